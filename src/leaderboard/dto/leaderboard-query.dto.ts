import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, registerDecorator, ValidationArguments } from 'class-validator';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD, DEFAULT_SORT, SORT_FIELDS, SORT_ORDERS, SortField, SortOrder } from '../leaderboard-fields';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from '../leaderboard-windows';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const MAX_PAGE = 100_000;
export const MAX_MIN_TRADES = 1_000_000_000;
export const MAX_MIN_VOLUME_USD = 1e15;

/** Query strings are strings: a plain decimal becomes a number; anything else is left to fail validation. */
const ToNumber = (pattern: RegExp): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && pattern.test(value.trim()) ? Number(value) : value));
const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,12})?$/;
const Trim = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** One rule per parameter with one message naming it, whatever is wrong with the value. */
function Rule(check: (value: unknown) => boolean, what: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'leaderboardParam',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => check(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be ${what}`,
      },
    });
}

const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
const intIn = (min: number, max: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** `GET /api/v1/leaderboard` (and `/leaderboard`). Unknown parameters are rejected (400). */
export class LeaderboardQueryDto {
  @ApiPropertyOptional({
    enum: SORT_FIELDS,
    default: DEFAULT_SORT,
    description: 'Metric to sort by; the default copy_score is the risk-adjusted score a follower should rank by (trader_score: the seed\'s weighted score)',
  })
  @IsOptional()
  @Trim()
  @Rule(oneOf(SORT_FIELDS), `one of ${SORT_FIELDS.join(', ')}`)
  sort_by?: SortField;

  @ApiPropertyOptional({
    enum: SORT_ORDERS,
    default: 'desc',
    description: 'Sort direction; `rank` follows it (rank 1 = first row). Unknown values (null metrics) sort last either way.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Rule(oneOf(SORT_ORDERS), 'asc or desc')
  order?: SortOrder;

  @ApiPropertyOptional({
    enum: LEADERBOARD_WINDOWS,
    default: 'all',
    description: 'Time window the metrics cover, ending at the computation time (`all` = everything known)',
  })
  @IsOptional()
  @Trim()
  @Rule(oneOf(LEADERBOARD_WINDOWS), `one of ${LEADERBOARD_WINDOWS.join(', ')}`)
  window?: LeaderboardWindow;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number (1-based)' })
  @IsOptional()
  @ToNumber(INTEGER)
  @Rule(intIn(1, MAX_PAGE), `an integer from 1 to ${MAX_PAGE}`)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Rows per page' })
  @IsOptional()
  @ToNumber(INTEGER)
  @Rule(intIn(1, MAX_LIMIT), `an integer from 1 to ${MAX_LIMIT}`)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    default: DEFAULT_MIN_TRADES,
    description: 'Only traders with at least this many trades in the window (exchange-reported rows, whose trades are not known, pass)',
  })
  @IsOptional()
  @ToNumber(INTEGER)
  @Rule(intIn(0, MAX_MIN_TRADES), `an integer from 0 to ${MAX_MIN_TRADES}`)
  min_trades?: number;

  @ApiPropertyOptional({
    minimum: 0,
    default: DEFAULT_MIN_VOLUME_USD,
    description: 'Only traders with at least this traded notional (USD) in the window',
    example: 100,
  })
  @IsOptional()
  @ToNumber(DECIMAL)
  @Rule((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MIN_VOLUME_USD, 'a number from 0 to 1e15')
  min_volume_usd?: number;
}

/** The query with every default applied: the cache key and the repository's input. */
export interface LeaderboardParams {
  sortBy: SortField;
  order: SortOrder;
  window: LeaderboardWindow;
  page: number;
  limit: number;
  minTrades: number;
  minVolumeUsd: number;
}

export function leaderboardParams(q: LeaderboardQueryDto): LeaderboardParams {
  return {
    sortBy: q.sort_by ?? DEFAULT_SORT,
    order: q.order ?? 'desc',
    window: q.window ?? 'all',
    page: q.page ?? 1,
    limit: q.limit ?? DEFAULT_LIMIT,
    minTrades: q.min_trades ?? DEFAULT_MIN_TRADES,
    minVolumeUsd: q.min_volume_usd ?? DEFAULT_MIN_VOLUME_USD,
  };
}
