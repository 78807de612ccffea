import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { sleep, withTimeout } from '../common/timers';
import { ThrottleRecord, ThrottleSync, ThrottleWindow } from './throttle-window';

/** A key whose last answer from Redis is older than this waits for Redis before its next decision. */
const STALE_MS = 1000;
/** A batch slower than this counts as failed (the requests are not held up: decided locally). */
const SYNC_TIMEOUT_MS = 500;
/** After a failed batch, decide locally (no waiting on Redis) this long before trying again. */
const RETRY_MS = 1000;
/** After a batch of more than one hit (load), the next one waits this long, to carry more. */
const BATCH_GAP_MS = 25;
/** Idle windows are swept when the map grows past this (one entry per client IP and throttler). */
const SWEEP_AT = 10_000;

/**
 * INCRBY of a batch of hits on @nest-lab/throttler-storage-redis's keys (`{key:name}:hits`,
 * `{key:name}:blocked`), with that library's script's rules: a window of `ttl` ms from the first
 * hit, past `limit` a block of `blockDuration` ms, after which the window starts again.
 */
const SCRIPT = `
local total = redis.call('INCRBY', KEYS[1], ARGV[4])
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
local blocked = redis.call('GET', KEYS[2])
local blockTtl = 0
if blocked then
  blockTtl = redis.call('PTTL', KEYS[2])
elseif total > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], 1, 'PX', ARGV[3])
  blocked = '1'
  blockTtl = tonumber(ARGV[3])
end
if blocked and blockTtl <= 0 then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[1])
  total = tonumber(ARGV[4])
  ttl = tonumber(ARGV[1])
  blocked = false
end
return { total, ttl, blocked and 1 or 0, blockTtl }`.trim();

interface Entry {
  window: ThrottleWindow;
  redisKeys: [string, string];
  args: [number, number, number];
}

/**
 * The public REST limiter's counts, shared by the api replicas through Redis without a round trip
 * per request: each process counts hits locally and sends them in batches (one batch in flight;
 * the next one as soon as it is answered, or 25 ms later when the last carried more than one hit,
 * so at a trickle every hit is sent at once and under load one round trip carries many). A request
 * is decided on Redis's last total (every replica's hits) plus this process's since while the
 * client has used less than half its limit; a client new to this process, not seen for a second,
 * or past half its limit waits for Redis first (and is placed in the count as Redis would place a
 * single increment). So two replicas never admit more than the limit together, and more replicas
 * at most what they admit alone before their next batch (see ThrottleWindow.decidable). Redis down or slow: decided on the local counts (each replica enforces
 * the limit alone), retried every second.
 */
export class BatchedThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(BatchedThrottlerStorage.name);
  private readonly entries = new Map<string, Entry>();
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private retryAt = 0;
  /** Hits the last batch carried. */
  private lastBatch = 0;
  private lastWarning = 0;

  constructor(private readonly redis: Redis) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottleRecord> {
    const now = Date.now();
    const entry = this.entry(key, ttl, limit, blockDuration, name, now);
    const wait = !entry.window.decidable(now, STALE_MS) && now >= this.retryAt;
    const local = entry.window.hit(now);
    const seq = entry.window.counted;
    const sent = this.flushSoon();
    if (!wait) return local;
    await sent;
    return entry.window.verdictFor(seq, Date.now());
  }

  /**
   * The same count without waiting, for the fast path: the record when this process can decide
   * locally, else null (the caller then awaits increment()). Counts the hit only when it answers.
   */
  incrementNow(key: string, ttl: number, limit: number, blockDuration: number, name: string): ThrottleRecord | null {
    const now = Date.now();
    const entry = this.entries.get(`${key}\n${name}`);
    if (!entry || (!entry.window.decidable(now, STALE_MS) && now >= this.retryAt)) return null;
    const record = entry.window.hit(now);
    void this.flushSoon();
    return record;
  }

  private entry(key: string, ttl: number, limit: number, blockDuration: number, name: string, now: number): Entry {
    const id = `${key}\n${name}`;
    let entry = this.entries.get(id);
    if (!entry) {
      if (this.entries.size >= SWEEP_AT) this.sweep(now);
      entry = { window: new ThrottleWindow(ttl, limit, blockDuration, now), redisKeys: [`{${key}:${name}}:hits`, `{${key}:${name}}:blocked`], args: [ttl, limit, blockDuration] };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Resolves once a batch holding every hit counted so far has been answered (or failed). */
  private flushSoon(): Promise<void> {
    this.next ??= (this.running ?? Promise.resolve()).then(async () => {
      if (this.lastBatch > 1) await sleep(BATCH_GAP_MS);
      this.next = null;
      this.running = this.flush().finally(() => (this.running = null));
      return this.running;
    });
    return this.next;
  }

  private async flush(): Promise<void> {
    if (Date.now() < this.retryAt) return; // the hits wait for the next batch after the pause
    const batch: Array<{ entry: Entry; hits: number }> = [];
    for (const entry of this.entries.values()) {
      if (entry.window.unsent > 0) batch.push({ entry, hits: entry.window.take() });
    }
    this.lastBatch = batch.reduce((n, b) => n + b.hits, 0);
    if (batch.length === 0) return;
    try {
      if (this.redis.status !== 'ready') throw new Error(`redis ${this.redis.status}`);
      const pipeline = this.redis.pipeline();
      for (const { entry, hits } of batch) pipeline.eval(SCRIPT, 2, ...entry.redisKeys, ...entry.args, hits);
      const results = await withTimeout(pipeline.exec(), SYNC_TIMEOUT_MS);
      const now = Date.now();
      batch.forEach(({ entry }, i) => {
        const [err, reply] = results?.[i] ?? [new Error('no reply')];
        if (err || !Array.isArray(reply)) entry.window.failed();
        else entry.window.synced(reply as ThrottleSync, now);
      });
    } catch (err) {
      for (const { entry } of batch) entry.window.failed();
      this.retryAt = Date.now() + RETRY_MS;
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn({ msg: 'rate limiter storage unavailable; counting in this process', error: (err as Error).message });
      }
    }
    if (this.entries.size >= SWEEP_AT) this.sweep(Date.now());
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.entries) if (entry.window.idle(now)) this.entries.delete(id);
  }
}

