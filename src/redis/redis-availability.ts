import type Redis from 'ioredis';

/** A Redis command not attempted (connection not ready) or not answered in time. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Commands of a request path give up after this: the client gets a 503 rather than a hang. */
export const REDIS_REQUEST_TIMEOUT_MS = 2_000;

/**
 * Runs `command` only when the connection is ready (otherwise it would wait in ioredis's offline
 * queue for up to three reconnect attempts) and rejects with RedisUnavailableError when it is not
 * answered within `timeoutMs`. The exception filter maps RedisUnavailableError to 503 + Retry-After.
 */
export async function whileRedisReady<T>(redis: Redis, command: () => Promise<T>, timeoutMs = REDIS_REQUEST_TIMEOUT_MS): Promise<T> {
  if (redis.status !== 'ready') throw new RedisUnavailableError(`redis unavailable (connection ${redis.status})`);
  let timer: NodeJS.Timeout | undefined;
  const pending = command();
  try {
    return await Promise.race([
      pending,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new RedisUnavailableError(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    pending.catch(() => undefined); // a late rejection of the abandoned command is not unhandled
  }
}

/**
 * `client.disconnect()`, unless the connection already ended (after QUIT, or dropped): there
 * ioredis would still arm its 2 s "stream still open" timer, which waits for a `close` event that
 * already happened, and nothing else would be left to keep the process alive (the timer jest
 * waited on after a run).
 */
export function disconnectUnlessEnded(client: Redis): void {
  if (client.status !== 'end') client.disconnect();
}

/**
 * Drops a connection at once and rejects whatever waits in its offline queue ("Connection is
 * closed."). ioredis's own disconnect() does neither while the client is between reconnect
 * attempts (status `reconnecting`): it cancels the next attempt but leaves the client and its
 * queued commands waiting forever, which would hold a shutdown during a Redis outage.
 */
export function dropConnection(client: Redis): void {
  if (client.status === 'end') return;
  client.disconnect();
  // disconnect() ends a client that was waiting to connect at once (TS narrowed `status` above).
  if ((client.status as string) === 'end') return;
  const internal = client as unknown as { flushQueue?(err: Error): void; setStatus?(status: string): void };
  internal.flushQueue?.(new Error('Connection is closed.'));
  internal.setStatus?.('end');
}
