import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A limiter answer slower than this counts as unavailable (the request is not held up). */
const STORAGE_TIMEOUT_MS = 500;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Wraps the Redis throttler storage so that a Redis outage (or a slow answer) lets requests through (logged) instead
 * of failing every public route: the limiter protects the API, it must not take it down.
 */
export class FailOpenThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(FailOpenThrottlerStorage.name);
  private lastWarning = 0;

  /** `available()` false (Redis not connected) lets requests through at once, without asking the storage. */
  constructor(
    private readonly inner: ThrottlerStorage,
    private readonly available: () => boolean = () => true,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    try {
      if (!this.available()) throw new Error('storage not connected');
      return await withTimeout(this.inner.increment(key, ttl, limit, blockDuration, name), STORAGE_TIMEOUT_MS);
    } catch (err) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ msg: 'rate limiter storage unavailable; letting requests through', error: (err as Error).message });
      }
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
