import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppConfig } from './app-config';
import { DEFAULT_LEADERBOARD_WEIGHTS, EnvironmentVariables, Role, ROLES } from './env.schema';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((msg) => `${e.property}=${JSON.stringify(e.value)}: ${msg}`),
  );
}

function parseRoles(value: string): Set<Role> {
  const parts = value.split(',').map((r) => r.trim());
  return new Set(parts.includes('all') ? ROLES : (parts as Role[]));
}

function infoUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/info') ? trimmed : `${trimmed}/info`;
}

/** Validates an environment (normally process.env) into AppConfig; throws ConfigValidationError. */
export function loadConfig(env: NodeJS.ProcessEnv, version = '0.0.0'): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(new EnvironmentVariables())) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const key of ['ADMIN_API_KEY', 'LEADERBOARD_WEIGHTS', 'FAULT_INJECTION', 'COPY_KEY_ENCRYPTION_KEY']) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key] as string;
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));

  const roles = parseRoles(vars.ROLE);
  if (vars.REDIS_URL.startsWith('memory:') && !ROLES.every((r) => roles.has(r))) {
    throw new ConfigValidationError([
      `REDIS_URL=${JSON.stringify(vars.REDIS_URL)}: memory:// works only for a single process running every role ` +
        `(ROLE=all; this process has ROLE=${vars.ROLE}); processes that share work need a real Redis (redis://host:port)`,
    ]);
  }
  const config = new AppConfig();
  Object.assign(config, {
    roles,
    port: vars.PORT,
    databaseUrl: vars.DATABASE_URL,
    redisUrl: vars.REDIS_URL,
    hyperliquidInfoUrl: infoUrl(vars.HYPERLIQUID_API_URL),
    websocketUrl: vars.WEBSOCKET_URL,
    popularCoins:
      vars.POPULAR_COINS.trim() === '*'
        ? null
        : vars.POPULAR_COINS.split(',').map((c) => c.trim()).filter(Boolean),
    batchSize: vars.BATCH_SIZE,
    trackingIntervalSeconds: vars.TRACKING_INTERVAL_SECONDS,
    leaderboardIntervalSeconds: vars.LEADERBOARD_INTERVAL_SECONDS,
    rateLimitWeightPerMinute: vars.RATE_LIMIT_WEIGHT_PER_MINUTE,
    leaderboardCacheTtlSeconds: vars.LEADERBOARD_CACHE_TTL_SECONDS,
    adminApiKey: vars.ADMIN_API_KEY ?? null,
    // Set but empty: off (an unset variable takes the default).
    exchangeLeaderboardUrl: env.EXCHANGE_LEADERBOARD_URL?.trim() === '' ? null : vars.EXCHANGE_LEADERBOARD_URL,
    dbMigrate: vars.DB_MIGRATE,
    dbPoolMax: vars.DB_POOL_MAX,
    logLevel: vars.LOG_LEVEL,
    includeVaults: vars.INCLUDE_VAULTS,
    leaderboardWeights: {
      ...DEFAULT_LEADERBOARD_WEIGHTS,
      ...(vars.LEADERBOARD_WEIGHTS ? (JSON.parse(vars.LEADERBOARD_WEIGHTS) as object) : {}),
    },
    corsOrigins:
      vars.CORS_ORIGINS.trim() === '*'
        ? '*'
        : vars.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    throttleLimitPerMinute: vars.THROTTLE_LIMIT_PER_MINUTE,
    trustProxyHops: vars.TRUST_PROXY_HOPS,
    liveMaxConnectionsPerIp: vars.LIVE_MAX_CONNECTIONS_PER_IP,
    discoveryBufferMaxTrades: vars.DISCOVERY_BUFFER_MAX_TRADES,
    streamTradeMaxAgeSeconds: vars.STREAM_TRADE_MAX_AGE_SECONDS,
    streamTradeMaxFutureSeconds: vars.STREAM_TRADE_MAX_FUTURE_SECONDS,
    discoveryWriterStallSeconds: vars.DISCOVERY_WRITER_STALL_SECONDS,
    retentionDaysFills: vars.RETENTION_DAYS_FILLS,
    retentionDaysEvents: vars.RETENTION_DAYS_EVENTS,
    wsPingIntervalSeconds: vars.WS_PING_INTERVAL_SECONDS,
    wsSilenceTimeoutSeconds: vars.WS_SILENCE_TIMEOUT_SECONDS,
    metaRefreshSeconds: vars.META_REFRESH_SECONDS,
    trackingConcurrency: vars.TRACKING_CONCURRENCY,
    rateLimitWindowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS,
    rateLimitLowPriorityPercent: vars.RATE_LIMIT_LOW_PRIORITY_PERCENT,
    faultInjection: vars.FAULT_INJECTION ?? null,
    hyperliquidNetwork: vars.HYPERLIQUID_NETWORK,
    copyKeyEncryptionKey: vars.COPY_KEY_ENCRYPTION_KEY ?? null,
    copyReconcileSeconds: vars.COPY_RECONCILE_SECONDS,
    copyDefaultSlippageBps: vars.COPY_DEFAULT_SLIPPAGE_BPS,
    copyExitSlippageBps: vars.COPY_EXIT_SLIPPAGE_BPS,
    copyMaxSignalAgeSeconds: vars.COPY_MAX_SIGNAL_AGE_SECONDS,
    paperTakerFeeBps: vars.PAPER_TAKER_FEE_BPS,
    version,
  });
  return config;
}
