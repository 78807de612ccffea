import { DEFAULT_LEADERBOARD_WEIGHTS, LogLevel, Role } from './env.schema';

export type LeaderboardWeights = Record<keyof typeof DEFAULT_LEADERBOARD_WEIGHTS, number>;

/** The typed, validated configuration every module reads (injected as AppConfig). */
export class AppConfig {
  roles!: ReadonlySet<Role>;
  port!: number;
  databaseUrl!: string;
  redisUrl!: string;
  /** Full URL of the info endpoint (`…/info`). */
  hyperliquidInfoUrl!: string;
  websocketUrl!: string;
  /** `null` means every perp listed in `meta`. */
  popularCoins!: string[] | null;
  batchSize!: number;
  trackingIntervalSeconds!: number;
  leaderboardIntervalSeconds!: number;
  rateLimitWeightPerMinute!: number;
  leaderboardCacheTtlSeconds!: number;
  adminApiKey!: string | null;
  /** The exchange's public leaderboard file (seeds the board); null = off. */
  exchangeLeaderboardUrl!: string | null;
  dbMigrate!: boolean;
  /** Connections in this process's Postgres pool (1 for the embedded demo database). */
  dbPoolMax!: number;
  logLevel!: LogLevel;
  includeVaults!: boolean;
  leaderboardWeights!: LeaderboardWeights;
  corsOrigins!: string[] | '*';
  /** Public REST requests per client IP per minute (api role). */
  throttleLimitPerMinute!: number;
  /** Reverse proxies in front of the api whose X-Forwarded-For is trusted for the client IP. */
  trustProxyHops!: number;
  /** Live-update connections (Socket.IO and plain WebSocket together) per client IP, per api process. */
  liveMaxConnectionsPerIp!: number;
  discoveryBufferMaxTrades!: number;
  /** Stream trades older than this (or newer than the next) relative to now are rejected. */
  streamTradeMaxAgeSeconds!: number;
  streamTradeMaxFutureSeconds!: number;
  /** Trades waiting this long with no successful write make discovery's health 503. */
  discoveryWriterStallSeconds!: number;
  /** Whole UTC days of fills / trader_fills kept before today (older day partitions are dropped). */
  retentionDaysFills!: number;
  /** Whole UTC days of trade_events kept before today. */
  retentionDaysEvents!: number;
  wsPingIntervalSeconds!: number;
  wsSilenceTimeoutSeconds!: number;
  metaRefreshSeconds!: number;
  trackingConcurrency!: number;
  rateLimitWindowSeconds!: number;
  /** Most of each window low-priority work (vault lookups, enrichment) may take, in percent. */
  rateLimitLowPriorityPercent!: number;
  /** Test-only fault injection (e.g. `exit-after-commit`: SIGKILL itself between commit and publish). */
  faultInjection!: string | null;
  /** Which chain the copy engine signs for. */
  hyperliquidNetwork!: 'mainnet' | 'testnet';
  /** 64 hex chars; null = live followers cannot be created. */
  copyKeyEncryptionKey!: string | null;
  copyReconcileSeconds!: number;
  copyDefaultSlippageBps!: number;
  copyExitSlippageBps!: number;
  copyMaxSignalAgeSeconds!: number;
  paperTakerFeeBps!: number;
  version!: string;

  /** REDIS_URL is `memory://`: in-process stand-ins for Redis (single process, every role). */
  get inMemoryRedis(): boolean {
    return this.redisUrl.startsWith('memory:');
  }

  hasRole(role: Role): boolean {
    return this.roles.has(role);
  }
}
