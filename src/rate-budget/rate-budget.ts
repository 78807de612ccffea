import { createHash, randomBytes } from 'crypto';
import type Redis from 'ioredis';
import {
  assertWeight,
  backoffSchedule,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_CAP_MS,
  DEFAULT_SAFETY_MARGIN_MS,
  DEFAULT_WINDOW_MS,
  effectiveWindowMs,
  waiterMember,
  windowMember,
  withJitter,
} from './budget-math';
import { sleep } from '../common/timers';
import { rateBudgetBase, rateBudgetLowShareKey, rateBudgetScriptKeys } from '../redis/contracts/rate-budget';
import { encodeSeeds, lostWindowSeeds } from './lost-window';
import { LowPriorityShare, lowPriorityLimit } from './low-priority-share';
import { REPORT_429_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT, USAGE_SCRIPT } from './rate-budget.scripts';
import type {
  BudgetPriority,
  BudgetUsage,
  RateBudgetCounters,
  RateBudgetOptions,
  Reservation,
  TryReserveResult,
} from './rate-budget.types';

export * from './rate-budget.types';

const DENIAL_REASONS = { 1: 'window_full', 2: 'paused', 3: 'queued' } as const;

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const SCRIPTS = {
  reserve: script(RESERVE_SCRIPT),
  settle: script(SETTLE_SCRIPT),
  report429: script(REPORT_429_SCRIPT),
  usage: script(USAGE_SCRIPT),
};

type Attempt =
  | { granted: true; at: number }
  | { granted: false; retryAfterMs: number; reason: 'window_full' | 'paused' | 'queued' };

/**
 * The shared, Redis-backed weight budget every exchange call goes through (all processes of one
 * egress identity share one budget). Exact rolling window (a ZSET of grants timed by the Redis
 * clock) checked and updated atomically by Lua: under no interleaving of processes does the
 * recorded weight in any window exceed `weightPerMinute` (settling up is the only way over; see
 * `Reservation.settle`). Plain class, no Nest.
 */
export class RateBudget {
  readonly weightPerMinute: number;
  /** The window actually enforced: windowMs + safetyMarginMs. */
  readonly windowMs: number;
  private readonly keys: string[];
  private readonly schedule: number[];
  private readonly resetMs: number;
  private readonly graceMs: number;
  private readonly pollMs: number;
  private readonly jitterMs: number;
  private readonly stats: RateBudgetCounters = {
    reservationsGranted: 0,
    weightGranted: 0,
    waits: 0,
    waitMsTotal: 0,
    tryReserveDenied: 0,
    settles: 0,
    settledWeightDelta: 0,
    rateLimited429: 0,
    scriptCalls: 0,
  };
  private readonly seedWhenLost: boolean;
  /** Most weight at one instant (the burst curve; = weightPerMinute: none). */
  readonly burstWeight: number;
  /** The lost-state seeds, encoded for the reserve script. */
  private readonly seeds: string;
  /** Low priority's bounded share of each window (unset: no bound). */
  readonly lowShare: LowPriorityShare | null;
  /** Last consecutive-429 count seen, so `reportSuccess` only writes when there is something to reset. */
  private known429 = 0;

  constructor(
    private readonly redis: Redis,
    opts: RateBudgetOptions,
  ) {
    assertWeight(opts.weightPerMinute, Number.MAX_SAFE_INTEGER, 'weightPerMinute');
    this.weightPerMinute = opts.weightPerMinute;
    this.windowMs = effectiveWindowMs(opts.windowMs ?? DEFAULT_WINDOW_MS, opts.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS);
    const base = rateBudgetBase(opts.keyPrefix, opts.identity ?? 'default');
    this.keys = rateBudgetScriptKeys(base);
    this.seedWhenLost = opts.assumeSpentWhenLost ?? false;
    this.burstWeight = opts.burstWeight ?? this.weightPerMinute;
    assertWeight(this.burstWeight, this.weightPerMinute, 'burstWeight');
    const curve = { limit: this.weightPerMinute, burst: this.burstWeight, windowMs: this.windowMs };
    this.seeds = this.seedWhenLost ? encodeSeeds(lostWindowSeeds(curve)) : '';
    this.schedule = backoffSchedule(opts.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS, opts.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS);
    this.resetMs = opts.backoffResetMs ?? 600_000;
    this.graceMs = opts.waiterGraceMs ?? 2_000;
    this.pollMs = opts.pollMs ?? 100;
    this.jitterMs = opts.jitterMs ?? 15;
    this.lowShare =
      opts.lowPriorityPercent === undefined
        ? null
        : new LowPriorityShare(redis, rateBudgetLowShareKey(base), lowPriorityLimit(this.weightPerMinute, opts.lowPriorityPercent), this.windowMs);
  }

  /** The Redis keys of this budget (window, total, queue, queue-exp, seq, paused-until, 429-count, epoch). */
  get redisKeys(): readonly string[] {
    return this.keys;
  }

  /**
   * Waits until `weight` fits (sleeping until enough weight leaves the window, as the script
   * reports, plus jitter), then records it. A low-priority request never delays a waiting
   * high-priority one. Rejects with `signal.reason` when aborted (its queue place is released).
   */
  async reserve(weight: number, priority: BudgetPriority = 'high', signal?: AbortSignal): Promise<Reservation> {
    this.assertGrantable(weight);
    signal?.throwIfAborted();
    const id = newId();
    const waiter = waiterMember(priority, weight, id);
    const started = Date.now();
    let waited = false;
    try {
      if (priority === 'low' && this.lowShare) waited = await this.admitLow(weight, id, signal);
      for (;;) {
        const attempt = await this.attempt(weight, priority, id, waiter);
        if (attempt.granted) {
          const waitedMs = waited ? Date.now() - started : 0;
          if (waited) {
            this.stats.waits++;
            this.stats.waitMsTotal += waitedMs;
          }
          if (priority === 'low' && this.lowShare) await this.lowShare.tryAdmit(weight, 'record', id);
          return this.grant(id, priority, weight, attempt.at, waitedMs);
        }
        waited = true;
        await sleep(withJitter(attempt.retryAfterMs, this.jitterMs), signal);
      }
    } catch (err) {
      if (waited) await this.leaveQueue(waiter).catch(() => undefined);
      throw err;
    }
  }

  /** Waits for low priority's share of the window to fit `weight` (true if it had to wait). */
  private async admitLow(weight: number, id: string, signal?: AbortSignal): Promise<boolean> {
    for (let waited = false; ; waited = true) {
      const share = await this.lowShare!.tryAdmit(weight, 'admit', id);
      if (share.admitted) return waited;
      await sleep(withJitter(share.retryAfterMs, this.jitterMs), signal);
    }
  }

  /** One non-blocking attempt (never queues). */
  async tryReserve(weight: number, priority: BudgetPriority = 'high'): Promise<TryReserveResult> {
    this.assertGrantable(weight);
    if (priority === 'low' && this.lowShare) {
      const share = await this.lowShare.tryAdmit(weight, 'check');
      if (!share.admitted) {
        this.stats.tryReserveDenied++;
        return { granted: false, retryAfterMs: share.retryAfterMs, reason: 'low_share' };
      }
    }
    const id = newId();
    const attempt = await this.attempt(weight, priority, id, '');
    if (!attempt.granted) {
      this.stats.tryReserveDenied++;
      return { granted: false, retryAfterMs: attempt.retryAfterMs, reason: attempt.reason };
    }
    if (priority === 'low' && this.lowShare) await this.lowShare.tryAdmit(weight, 'record', id);
    return { granted: true, reservation: this.grant(id, priority, weight, attempt.at, 0) };
  }

  /**
   * After an HTTP 429: pauses the budget for every process. Consecutive 429s back off
   * 2 s, 4 s, … up to 60 s (shared count); a 429 arriving while already paused does not escalate.
   * `usage()` shows the resulting pause.
   */
  async report429(): Promise<void> {
    this.stats.rateLimited429++;
    const [, consecutive429] = (await this.run(SCRIPTS.report429, this.keys, [this.resetMs, ...this.schedule])) as number[];
    this.known429 = consecutive429;
  }

  /** After a successful exchange call: resets the shared back-off (a write only when it is set). */
  async reportSuccess(): Promise<void> {
    if (this.known429 === 0) return;
    this.known429 = 0;
    await this.redis.del(this.keys[6]);
  }

  async usage(): Promise<BudgetUsage> {
    const [, total, pausedUntil, consecutive429, high, low] = (await this.run(SCRIPTS.usage, this.keys, [
      this.windowMs,
    ])) as number[];
    this.known429 = consecutive429;
    return {
      weightPerMinute: this.weightPerMinute,
      usedLastMinute: total,
      pausedUntil: pausedUntil > 0 ? pausedUntil : null,
      consecutive429,
      waitingHigh: high,
      waitingLow: low,
    };
  }

  counters(): RateBudgetCounters {
    return { ...this.stats };
  }

  private assertGrantable(weight: number): void {
    assertWeight(weight, this.weightPerMinute);
    if (weight > this.burstWeight) {
      throw new RangeError(`weight ${weight} exceeds the burst of ${this.burstWeight}: it could never be granted`);
    }
  }

  private async attempt(weight: number, priority: BudgetPriority, id: string, waiter: string): Promise<Attempt> {
    const reply = (await this.run(SCRIPTS.reserve, this.keys, [
      weight,
      this.weightPerMinute,
      this.windowMs,
      priority === 'high' ? 'h' : 'l',
      id,
      waiter,
      this.graceMs,
      this.pollMs,
      this.seedWhenLost ? '1' : '0',
      this.burstWeight,
      this.seeds,
    ])) as number[];
    this.known429 = reply[3];
    if (reply[0] === 1) return { granted: true, at: reply[1] };
    return { granted: false, retryAfterMs: reply[1], reason: DENIAL_REASONS[reply[5] as 1 | 2 | 3] ?? 'window_full' };
  }

  private grant(id: string, priority: BudgetPriority, weight: number, at: number, waitedMs: number): Reservation {
    this.stats.reservationsGranted++;
    this.stats.weightGranted += weight;
    const settle = (from: number, to: number): Promise<void> => this.settleEntry(id, from, to);
    return new BudgetReservation(settle, id, priority, weight, at, waitedMs);
  }

  private async leaveQueue(waiter: string): Promise<void> {
    await this.redis.multi().zrem(this.keys[2], waiter).zrem(this.keys[3], waiter).exec();
  }

  private async settleEntry(id: string, from: number, to: number): Promise<void> {
    this.stats.settles++;
    this.stats.settledWeightDelta += to - from;
    await this.run(SCRIPTS.settle, this.keys.slice(0, 2), [windowMember(from, id), to, id, this.windowMs]);
  }

  private async run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    this.stats.scriptCalls++;
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(s.source, keys.length, ...keys, ...args);
    }
  }
}

class BudgetReservation implements Reservation {
  private current: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly settleEntry: (from: number, to: number) => Promise<void>,
    readonly id: string,
    readonly priority: BudgetPriority,
    readonly reservedWeight: number,
    readonly grantedAt: number,
    readonly waitedMs: number,
  ) {
    this.current = reservedWeight;
  }

  get weight(): number {
    return this.current;
  }

  settle(actualWeight: number): Promise<void> {
    try {
      assertWeight(actualWeight, Number.MAX_SAFE_INTEGER, 'actualWeight', 0);
    } catch (err) {
      return Promise.reject(err);
    }
    // Serialised, so concurrent settles of one reservation apply in call order.
    const next = this.chain.then(async () => {
      if (actualWeight === this.current) return;
      const from = this.current;
      await this.settleEntry(from, actualWeight);
      this.current = actualWeight;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

function newId(): string {
  return randomBytes(9).toString('base64url');
}

