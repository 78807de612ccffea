import type Redis from 'ioredis';
import { StreamGaps, encodeStreamGap } from '../redis/contracts/stream-gaps';

/** Reports a span of trades the live engine did not get; tracking reconciles the traders active around it. */
export async function reportStreamGap(redis: Redis, from: number, to: number): Promise<void> {
  await redis.lpush(StreamGaps.key, encodeStreamGap({ from, to }));
  await redis.ltrim(StreamGaps.key, 0, StreamGaps.kept - 1);
}
