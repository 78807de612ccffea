/** What the throttler guard reads of a key (as @nestjs/throttler's ThrottlerStorageRecord). */
export interface ThrottleRecord {
  totalHits: number;
  /** Seconds until the window ends. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the block ends (0 when not blocked). */
  timeToBlockExpire: number;
}

/** Redis's answer to a batch of hits: [totalHits, ms to the window's end, blocked 0|1, ms to the block's end]. */
export type ThrottleSync = [number, number, number, number];

/**
 * One client's throttle window as this process sees it: the total Redis last answered (every
 * replica's hits) plus the hits counted here since the last batch was sent. Decides locally between
 * syncs, as the Redis script would (block past the limit for blockDuration; a window or a block that
 * ended starts a new window). Pure: time is passed in.
 */
export class ThrottleWindow {
  /** Hits not sent to Redis yet. */
  unsent = 0;
  /** Hits sent in the batch awaiting Redis's answer. */
  private sending = 0;
  private total = 0;
  private expiresAt: number;
  private blockedUntil = 0;
  /** When Redis last answered for this key (0: never). */
  syncedAt = 0;
  private seq = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly limit: number,
    private readonly blockMs: number,
    now: number,
  ) {
    this.expiresAt = now + ttlMs;
  }

  /**
   * Whether this process may decide the next hit alone: Redis answered within `staleMs`, and the
   * client is blocked or has used less than half its limit (as far as this process knows, and
   * with at least 10 left). Past that every hit waits for Redis. With two replicas deciding alone,
   * each below half, their true total stays below the limit; with more, a simultaneous flood on
   * all of them can pass it by what they admit before their next batch.
   */
  decidable(now: number, staleMs: number): boolean {
    if (this.blockedUntil > now) return true;
    if (now - this.syncedAt > staleMs || now >= this.expiresAt) return false;
    return this.limit - this.total > Math.max(10, Math.ceil(this.limit / 2));
  }

  /** Hits counted in this process so far (a sequence number: see verdictFor). */
  get counted(): number {
    return this.seq;
  }

  /**
   * The verdict for the hit counted as `seq` after the batch holding it was answered: Redis's
   * total counts the hits of the whole batch, so the hit is blocked only if its own place in the
   * count is past the limit (or a block was there before this window's count).
   */
  verdictFor(seq: number, now: number): ThrottleRecord {
    const r = this.record(now);
    if (!r.isBlocked) return r;
    const place = this.total - (this.seq - seq);
    if (this.total > this.limit && place <= this.limit) return { ...r, totalHits: place, isBlocked: false, timeToBlockExpire: 0 };
    return r;
  }

  hit(now: number): ThrottleRecord {
    if (this.blockedUntil !== 0 && now >= this.blockedUntil) this.restart(now);
    else if (now >= this.expiresAt) this.restart(now);
    this.total++;
    this.unsent++;
    this.seq++;
    if (this.blockedUntil === 0 && this.total > this.limit) this.blockedUntil = now + this.blockMs;
    return this.record(now);
  }

  record(now: number): ThrottleRecord {
    const blocked = this.blockedUntil > now;
    return {
      totalHits: this.total,
      timeToExpire: Math.max(0, Math.ceil((this.expiresAt - now) / 1000)),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.ceil((this.blockedUntil - now) / 1000) : 0,
    };
  }

  /** The hits to send now (moved to "sending"). */
  take(): number {
    this.sending = this.unsent;
    this.unsent = 0;
    return this.sending;
  }

  /** Redis counted the batch: its totals, plus what was counted here meanwhile. */
  synced([total, ttlMs, blocked, blockMs]: ThrottleSync, now: number): void {
    this.total = total + this.unsent;
    this.expiresAt = now + ttlMs;
    this.blockedUntil = blocked === 1 ? now + blockMs : this.total > this.limit ? now + this.blockMs : 0;
    this.sending = 0;
    this.syncedAt = now;
  }

  /** The batch did not reach Redis: its hits go with the next one. */
  failed(): void {
    this.unsent += this.sending;
    this.sending = 0;
  }

  /** Nothing left to tell Redis and the window is over: the entry can go. */
  idle(now: number): boolean {
    return this.unsent === 0 && this.sending === 0 && now >= this.expiresAt && now >= this.blockedUntil;
  }

  private restart(now: number): void {
    this.total = 0;
    this.expiresAt = now + this.ttlMs;
    this.blockedUntil = 0;
  }
}
