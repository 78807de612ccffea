import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  Matches,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

export const ROLES = ['api', 'worker', 'discovery'] as const;
export type Role = (typeof ROLES)[number];
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LEADERBOARD_WEIGHTS = {
  win_rate: 0.3,
  total_volume_usd: 0.2,
  max_drawdown: 0.25,
  avg_risk_ratio: 0.15,
  max_profit_usd: 0.1,
} as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
};

@ValidatorConstraint({ name: 'roleList' })
class RoleListConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.trim() === '') return false;
    return value
      .split(',')
      .map((r) => r.trim())
      .every((r) => r === 'all' || (ROLES as readonly string[]).includes(r));
  }
  defaultMessage(): string {
    return 'ROLE must be one of api, worker, discovery, all, or a comma list of them (e.g. api,worker)';
  }
}

@ValidatorConstraint({ name: 'url' })
class UrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args?: ValidationArguments): boolean {
    if (typeof value !== 'string') return false;
    try {
      return (args?.constraints as string[]).includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }
  defaultMessage(args?: ValidationArguments): string {
    const schemes = (args?.constraints as string[]).map((p) => p.replace(':', '://'));
    return `${args?.property} must be a URL with scheme ${schemes.join(' or ')}`;
  }
}

@ValidatorConstraint({ name: 'weights' })
class WeightsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === undefined) return true;
    if (typeof value !== 'string') return false;
    try {
      const parsed: unknown = JSON.parse(value);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
      const keys = Object.keys(DEFAULT_LEADERBOARD_WEIGHTS);
      return Object.entries(parsed as Record<string, unknown>).every(
        ([k, v]) => keys.includes(k) && typeof v === 'number' && Number.isFinite(v) && v >= 0,
      );
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return `LEADERBOARD_WEIGHTS must be a JSON object whose keys are among ${Object.keys(DEFAULT_LEADERBOARD_WEIGHTS).join(', ')} and whose values are non-negative numbers`;
  }
}

@ValidatorConstraint({ name: 'coins' })
class CoinListConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && (value.trim() === '*' || /^[A-Za-z0-9:@/_-]+(,[A-Za-z0-9:@/_-]+)*$/.test(value.replace(/\s/g, '')));
  }
  defaultMessage(): string {
    return 'POPULAR_COINS must be * or a comma list of coin names (e.g. BTC,ETH,SOL)';
  }
}

/** Every environment variable the process reads; validated at boot (see config.loader.ts). */
export class EnvironmentVariables {
  @Validate(RoleListConstraint)
  ROLE = 'all';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer from 0 to 65535' })
  @Min(0, { message: 'PORT must be an integer from 0 to 65535' })
  @Max(65535, { message: 'PORT must be an integer from 0 to 65535' })
  PORT = 3000;

  @Validate(UrlConstraint, ['postgres:', 'postgresql:'])
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/traderscout';

  /** `memory://` = in-process stand-ins (single process running every role; see config.loader.ts). */
  @Validate(UrlConstraint, ['redis:', 'rediss:', 'memory:'])
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Validate(UrlConstraint, ['http:', 'https:'])
  HYPERLIQUID_API_URL = 'https://api.hyperliquid.xyz';

  @Validate(UrlConstraint, ['ws:', 'wss:'])
  WEBSOCKET_URL = 'wss://api.hyperliquid.xyz/ws';

  @Validate(CoinListConstraint)
  POPULAR_COINS = '*';

  @Transform(toInt)
  @IsInt({ message: 'BATCH_SIZE must be an integer from 1 to 1000' })
  @Min(1, { message: 'BATCH_SIZE must be an integer from 1 to 1000' })
  @Max(1000, { message: 'BATCH_SIZE must be an integer from 1 to 1000' })
  BATCH_SIZE = 50;

  @Transform(toInt)
  @IsInt({ message: 'TRACKING_INTERVAL_SECONDS must be an integer of at least 1' })
  @Min(1, { message: 'TRACKING_INTERVAL_SECONDS must be an integer of at least 1' })
  TRACKING_INTERVAL_SECONDS = 75;

  @Transform(toInt)
  @IsInt({ message: 'LEADERBOARD_INTERVAL_SECONDS must be an integer of at least 1' })
  @Min(1, { message: 'LEADERBOARD_INTERVAL_SECONDS must be an integer of at least 1' })
  LEADERBOARD_INTERVAL_SECONDS = 600;

  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_WEIGHT_PER_MINUTE must be an integer from 1 to 1000000' })
  @Min(1, { message: 'RATE_LIMIT_WEIGHT_PER_MINUTE must be an integer from 1 to 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_WEIGHT_PER_MINUTE must be an integer from 1 to 1000000' })
  RATE_LIMIT_WEIGHT_PER_MINUTE = 1200;

  @Transform(toInt)
  @IsInt({ message: 'LEADERBOARD_CACHE_TTL_SECONDS must be an integer of at least 1' })
  @Min(1, { message: 'LEADERBOARD_CACHE_TTL_SECONDS must be an integer of at least 1' })
  LEADERBOARD_CACHE_TTL_SECONDS = 300;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'ADMIN_API_KEY must not be empty when set' })
  ADMIN_API_KEY?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'DB_MIGRATE must be true or false' })
  DB_MIGRATE = true;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBool)
  @IsBoolean({ message: 'INCLUDE_VAULTS must be true or false' })
  INCLUDE_VAULTS = false;

  @IsOptional()
  @Validate(WeightsConstraint)
  LEADERBOARD_WEIGHTS?: string;

  @IsString()
  CORS_ORIGINS = '*';

  /** The exchange's public leaderboard file; set to an empty value to turn the seeding off (config.loader.ts). */
  @Validate(UrlConstraint, ['http:', 'https:'])
  EXCHANGE_LEADERBOARD_URL = 'https://stats-data.hyperliquid.xyz/Mainnet/leaderboard';

  @IsIn(['mainnet', 'testnet'], { message: 'HYPERLIQUID_NETWORK must be mainnet or testnet' })
  HYPERLIQUID_NETWORK: 'mainnet' | 'testnet' = 'mainnet';

  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'COPY_KEY_ENCRYPTION_KEY must be 64 hex characters (32 bytes)' })
  COPY_KEY_ENCRYPTION_KEY?: string;

  @Transform(toInt)
  @IsInt({ message: 'COPY_RECONCILE_SECONDS must be an integer from 1 to 86400' })
  @Min(1, { message: 'COPY_RECONCILE_SECONDS must be an integer from 1 to 86400' })
  @Max(86400, { message: 'COPY_RECONCILE_SECONDS must be an integer from 1 to 86400' })
  COPY_RECONCILE_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'COPY_DEFAULT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  @Min(1, { message: 'COPY_DEFAULT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  @Max(1000, { message: 'COPY_DEFAULT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  COPY_DEFAULT_SLIPPAGE_BPS = 50;

  @Transform(toInt)
  @IsInt({ message: 'COPY_EXIT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  @Min(1, { message: 'COPY_EXIT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  @Max(1000, { message: 'COPY_EXIT_SLIPPAGE_BPS must be an integer from 1 to 1000' })
  COPY_EXIT_SLIPPAGE_BPS = 300;

  @Transform(toInt)
  @IsInt({ message: 'COPY_MAX_SIGNAL_AGE_SECONDS must be an integer from 1 to 3600' })
  @Min(1, { message: 'COPY_MAX_SIGNAL_AGE_SECONDS must be an integer from 1 to 3600' })
  @Max(3600, { message: 'COPY_MAX_SIGNAL_AGE_SECONDS must be an integer from 1 to 3600' })
  COPY_MAX_SIGNAL_AGE_SECONDS = 20;

  @Transform(toNumber)
  @IsNumber({}, { message: 'PAPER_TAKER_FEE_BPS must be a number from 0 to 100' })
  @Min(0, { message: 'PAPER_TAKER_FEE_BPS must be a number from 0 to 100' })
  @Max(100, { message: 'PAPER_TAKER_FEE_BPS must be a number from 0 to 100' })
  PAPER_TAKER_FEE_BPS = 4.5;
  // ---- Beyond the contract: tuning knobs with safe defaults ----

  @Transform(toInt)
  @IsInt({ message: 'THROTTLE_LIMIT_PER_MINUTE must be an integer from 1 to 1000000' })
  @Min(1, { message: 'THROTTLE_LIMIT_PER_MINUTE must be an integer from 1 to 1000000' })
  @Max(1_000_000, { message: 'THROTTLE_LIMIT_PER_MINUTE must be an integer from 1 to 1000000' })
  THROTTLE_LIMIT_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt({ message: 'TRUST_PROXY_HOPS must be an integer from 0 to 10' })
  @Min(0, { message: 'TRUST_PROXY_HOPS must be an integer from 0 to 10' })
  @Max(10, { message: 'TRUST_PROXY_HOPS must be an integer from 0 to 10' })
  TRUST_PROXY_HOPS = 0;

  @Transform(toInt)
  @IsInt({ message: 'LIVE_MAX_CONNECTIONS_PER_IP must be an integer from 1 to 1000000' })
  @Min(1, { message: 'LIVE_MAX_CONNECTIONS_PER_IP must be an integer from 1 to 1000000' })
  @Max(1_000_000, { message: 'LIVE_MAX_CONNECTIONS_PER_IP must be an integer from 1 to 1000000' })
  LIVE_MAX_CONNECTIONS_PER_IP = 100;

  @Transform(toInt)
  @IsInt({ message: 'DISCOVERY_BUFFER_MAX_TRADES must be an integer of at least 1000' })
  @Min(1000, { message: 'DISCOVERY_BUFFER_MAX_TRADES must be an integer of at least 1000' })
  DISCOVERY_BUFFER_MAX_TRADES = 1_000_000;

  @Transform(toInt)
  @IsInt({ message: 'STREAM_TRADE_MAX_AGE_SECONDS must be an integer of at least 60' })
  @Min(60, { message: 'STREAM_TRADE_MAX_AGE_SECONDS must be an integer of at least 60' })
  STREAM_TRADE_MAX_AGE_SECONDS = 604_800;

  @Transform(toInt)
  @IsInt({ message: 'STREAM_TRADE_MAX_FUTURE_SECONDS must be an integer of at least 1' })
  @Min(1, { message: 'STREAM_TRADE_MAX_FUTURE_SECONDS must be an integer of at least 1' })
  STREAM_TRADE_MAX_FUTURE_SECONDS = 300;

  @Transform(toInt)
  @IsInt({ message: 'DISCOVERY_WRITER_STALL_SECONDS must be an integer of at least 5' })
  @Min(5, { message: 'DISCOVERY_WRITER_STALL_SECONDS must be an integer of at least 5' })
  DISCOVERY_WRITER_STALL_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'RETENTION_DAYS_FILLS must be an integer from 1 to 3650' })
  @Min(1, { message: 'RETENTION_DAYS_FILLS must be an integer from 1 to 3650' })
  @Max(3650, { message: 'RETENTION_DAYS_FILLS must be an integer from 1 to 3650' })
  RETENTION_DAYS_FILLS = 30;

  @Transform(toInt)
  @IsInt({ message: 'RETENTION_DAYS_EVENTS must be an integer from 1 to 3650' })
  @Min(1, { message: 'RETENTION_DAYS_EVENTS must be an integer from 1 to 3650' })
  @Max(3650, { message: 'RETENTION_DAYS_EVENTS must be an integer from 1 to 3650' })
  RETENTION_DAYS_EVENTS = 30;

  @Transform(toInt)
  @IsInt({ message: 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 59' })
  @Min(1, { message: 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 59' })
  @Max(59, { message: 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 59' })
  WS_PING_INTERVAL_SECONDS = 30;

  @Transform(toInt)
  @IsInt({ message: 'WS_SILENCE_TIMEOUT_SECONDS must be an integer of at least 1' })
  @Min(1, { message: 'WS_SILENCE_TIMEOUT_SECONDS must be an integer of at least 1' })
  WS_SILENCE_TIMEOUT_SECONDS = 40;

  @Transform(toInt)
  @IsInt({ message: 'META_REFRESH_SECONDS must be an integer of at least 10' })
  @Min(10, { message: 'META_REFRESH_SECONDS must be an integer of at least 10' })
  META_REFRESH_SECONDS = 600;

  @Transform(toInt)
  @IsInt({ message: 'TRACKING_CONCURRENCY must be an integer from 1 to 64' })
  @Min(1, { message: 'TRACKING_CONCURRENCY must be an integer from 1 to 64' })
  @Max(64, { message: 'TRACKING_CONCURRENCY must be an integer from 1 to 64' })
  TRACKING_CONCURRENCY = 8;

  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer from 1 to 3600' })
  @Min(1, { message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer from 1 to 3600' })
  @Max(3600, { message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer from 1 to 3600' })
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_LOW_PRIORITY_PERCENT must be an integer from 0 to 100' })
  @Min(0, { message: 'RATE_LIMIT_LOW_PRIORITY_PERCENT must be an integer from 0 to 100' })
  @Max(100, { message: 'RATE_LIMIT_LOW_PRIORITY_PERCENT must be an integer from 0 to 100' })
  RATE_LIMIT_LOW_PRIORITY_PERCENT = 20;

  @Transform(toInt)
  @IsInt({ message: 'DB_POOL_MAX must be an integer from 1 to 200' })
  @Min(1, { message: 'DB_POOL_MAX must be an integer from 1 to 200' })
  @Max(200, { message: 'DB_POOL_MAX must be an integer from 1 to 200' })
  DB_POOL_MAX = 20;

  @IsOptional()
  @IsIn(['exit-after-commit', 'copy-after-journal', 'copy-before-send'], {
    message: 'FAULT_INJECTION must be exit-after-commit, copy-after-journal or copy-before-send (tests only) or unset',
  })
  FAULT_INJECTION?: string;
}
