import type Redis from 'ioredis';

/**
 * Resolves once the connection is ready (immediately if it is). Rejects after `timeoutMs`, so a
 * boot against an unreachable Redis fails with a clear error instead of hanging.
 */
export function whenReady(redis: Redis, timeoutMs = 30_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
