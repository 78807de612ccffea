import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainError } from '../common/domain-error';
import { PLAIN_WS_PATH } from '../gateway/plain-ws.gateway';
import { UPDATES_NAMESPACE } from '../gateway/updates.gateway';
import { whileRedisReady } from '../redis/redis-availability';
import { LEADERBOARD_CACHE_PATTERNS, LeaderboardCacheKeys, encodeCacheCleared } from '../redis/contracts/leaderboard-cache';
import { LeaderboardRecalculate, encodeRecalculateRequest } from '../redis/contracts/leaderboard-recalculate';
import { TrackingSignals, raiseSignals } from '../redis/contracts/tracking-signals';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { TradersService } from '../traders/traders.service';
import { CacheClearedDto, RecalculateQueuedDto, TrackQueuedDto } from './admin.dto';

/**
 * The leaderboard cache's keys: `ts:cache:leaderboard:*` as the leaderboard names them, and the
 * same under Keyv's `::` namespace separator (the Nest cache stores `ts:cache::<key>`).
 */
const CACHE_PATTERNS = LEADERBOARD_CACHE_PATTERNS;
const SCAN_COUNT = 500;

/**
 * Admin actions: each only queues work for the worker role (never calls the exchange itself).
 * Every Redis command runs only while the connection is ready and within a deadline: during an
 * outage the route answers 503 at once instead of waiting out ioredis's reconnect attempts.
 */
@Injectable()
export class AdminService {
  private readonly logger = new Logger(AdminService.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly traders: TradersService,
  ) {}

  /**
   * Queues a budgeted refresh: the address joins the tracking queue (the "just traded" ZSET),
   * which tracking drains within seconds under the weight budget. An address already queued keeps
   * its place (ZADD NX).
   */
  async track(address: string): Promise<TrackQueuedDto> {
    if (!(await this.traders.exists(address))) throw new DomainError('NOT_FOUND', `trader ${address} not found`);
    const added = await whileRedisReady(this.redis, () => raiseSignals(this.redis, TrackingSignals.traded, [{ address, at: Date.now() }]));
    this.logger.log({ msg: 'admin queued a trader refresh', address, already_queued: added === 0 });
    return {
      queued: true,
      already_queued: added === 0,
      address,
      watch: {
        socket_io: UPDATES_NAMESPACE,
        room: `trader:${address}`,
        websocket: PLAIN_WS_PATH,
        events: `/api/v1/traders/${address}/events`,
      },
    };
  }

  /** Asks the leaderboard worker (which polls the key) to recompute now. */
  async recalculateLeaderboard(): Promise<RecalculateQueuedDto> {
    const now = Date.now();
    await whileRedisReady(this.redis, () => this.redis.set(LeaderboardRecalculate.key, encodeRecalculateRequest(now)));
    this.logger.log({ msg: 'admin requested a leaderboard recompute' });
    return { queued: true, requested_at: new Date(now).toISOString(), watch: 'leaderboard_updated' };
  }

  /** Removes every leaderboard cache entry (SCAN + UNLINK: never blocks Redis), and the api processes' held pages. */
  async clearCache(): Promise<CacheClearedDto> {
    let cleared = 0;
    for (const pattern of CACHE_PATTERNS) {
      let cursor = '0';
      do {
        const [next, keys] = await whileRedisReady(this.redis, () => this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
        cursor = next;
        if (keys.length > 0) cleared += await whileRedisReady(this.redis, () => this.redis.unlink(...keys));
      } while (cursor !== '0');
    }
    // Every api replica drops the pages it holds in memory too.
    await whileRedisReady(this.redis, () => this.redis.publish(LeaderboardCacheKeys.clearedChannel, encodeCacheCleared(Date.now())));
    this.logger.log({ msg: 'admin cleared the leaderboard cache', cleared });
    return { cleared };
  }
}
