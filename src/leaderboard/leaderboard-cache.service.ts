import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'crypto';
import Redis from 'ioredis';
import { withTimeout } from '../common/timers';
import { AppConfig } from '../config/app-config';
import { LeaderboardCacheKeys } from '../redis/contracts/leaderboard-cache';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';

/** A cache operation slower than this counts as failed: the request goes to PostgreSQL instead. */
const CACHE_TIMEOUT_MS = 1000;

/**
 * The leaderboard page cache in Redis: `<LeaderboardCacheKeys.prefix><generation>:<hash of the normalised
 * parameters>`, TTL LEADERBOARD_CACHE_TTL_SECONDS. A new generation changes every key, so readers
 * never see a page of an older board; old keys simply expire. Every failure (Redis down, slow,
 * erroring) is a miss, never an error for the client.
 */
@Injectable()
export class LeaderboardCache {
  private readonly logger = new Logger(LeaderboardCache.name);
  private lastWarn = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly metrics: LeaderboardApiMetrics,
  ) {}

  key(generation: number, params: object): string {
    const hash = createHash('sha1').update(JSON.stringify(params)).digest('hex').slice(0, 24);
    return LeaderboardCacheKeys.key(generation, hash);
  }

  async get(key: string): Promise<string | null> {
    if (this.redis.status !== 'ready') {
      this.failed('get', new Error(`redis ${this.redis.status}`));
      return null;
    }
    try {
      return await withTimeout(this.redis.get(key), CACHE_TIMEOUT_MS);
    } catch (err) {
      this.failed('get', err);
      return null;
    }
  }

  /** Fire and forget: the response never waits for the cache write. */
  set(key: string, value: string): void {
    if (this.redis.status !== 'ready') return;
    withTimeout(this.redis.set(key, value, 'EX', this.config.leaderboardCacheTtlSeconds), CACHE_TIMEOUT_MS).catch((err) =>
      this.failed('set', err),
    );
  }

  private failed(op: 'get' | 'set', err: unknown): void {
    this.metrics.cacheErrors.inc({ op });
    if (Date.now() - this.lastWarn > 10_000) {
      this.lastWarn = Date.now();
      this.logger.warn({ msg: 'leaderboard cache unavailable, reading from the database', op, error: (err as Error).message });
    }
  }
}

