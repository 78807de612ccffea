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
  dbMigrate!: boolean;
  logLevel!: LogLevel;
  includeVaults!: boolean;
  leaderboardWeights!: LeaderboardWeights;
  corsOrigins!: string[] | '*';
  discoveryBufferMaxTrades!: number;
  wsPingIntervalSeconds!: number;
  wsSilenceTimeoutSeconds!: number;
  metaRefreshSeconds!: number;
  version!: string;

  hasRole(role: Role): boolean {
    return this.roles.has(role);
  }
}
