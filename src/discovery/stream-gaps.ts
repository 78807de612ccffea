import type Redis from 'ioredis';
import { RedisKeys } from '../redis/redis-keys';

/** Most recent gaps kept for tracking (it drains them within a second while it runs). */
const GAPS_KEPT = 1000;

/** Reports a span of trades the live engine did not get; tracking reconciles the traders active around it. */
export async function reportStreamGap(redis: Redis, from: number, to: number): Promise<void> {
  await redis.lpush(RedisKeys.streamGaps, JSON.stringify({ from, to }));
  await redis.ltrim(RedisKeys.streamGaps, 0, GAPS_KEPT - 1);
}
