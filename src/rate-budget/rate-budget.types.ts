export type BudgetPriority = 'high' | 'low';

export interface RateBudgetOptions {
  /** Redis key prefix, e.g. `ts:budget`. */
  keyPrefix: string;
  /** Egress identity (one budget per outgoing IP). Default `default`. */
  identity?: string;
  /**
   * Hard cap: the most weight recorded in any window (`windowMs + safetyMarginMs`). Named for
   * the production window of one minute; with a shorter `windowMs` it is the limit per window.
   */
  weightPerMinute: number;
  /** The exchange's rolling window. Default 60000. */
  windowMs?: number;
  /** Added to the window so send delays never let the exchange's window exceed the cap. Default 1000. */
  safetyMarginMs?: number;
  /** First back-off after a 429. Default 2000. */
  backoffBaseMs?: number;
  /** Longest back-off. Default 60000. */
  backoffCapMs?: number;
  /** The consecutive-429 count is forgotten after this long without a 429. Default 10 minutes. */
  backoffResetMs?: number;
  /** A queued waiter's registration outlives its expected wake-up by this much (crash safety). Default 2000. */
  waiterGraceMs?: number;
  /** Re-check interval when only queued waiters (not the window) are in the way. Default 100. */
  pollMs?: number;
  /** Random extra sleep in [0, jitterMs) on each wait. Default 15. */
  jitterMs?: number;
  /**
   * Most weight granted at one instant: any interval of length ℓ holds at most
   * min(weightPerMinute, burstWeight + weightPerMinute · ℓ / window) (lost-window.ts). A request
   * heavier than this is refused (RangeError). Default `weightPerMinute` (no bound beyond the window).
   */
  burstWeight?: number;
  /**
   * When the budget's state is missing from Redis (first start on an empty Redis, or a restart
   * without persistence), seed the window with the most the lost history can still have in the
   * exchange's window, given the burst curve (the exchange still counts what was sent before):
   * nothing for about burstWeight · window / limit, then the full rate. Default false.
   */
  assumeSpentWhenLost?: boolean;
  /**
   * Most of each window low-priority requests may take, in percent of `weightPerMinute` (see
   * low-priority-share.ts). Unset = no share limit (low priority only yields to waiting high).
   */
  lowPriorityPercent?: number;
}

export interface Reservation {
  readonly id: string;
  readonly priority: BudgetPriority;
  /** Weight reserved up front. */
  readonly reservedWeight: number;
  /** Weight currently recorded (after settles). */
  readonly weight: number;
  /** Redis server time (ms) of the grant. */
  readonly grantedAt: number;
  /** Time spent waiting for the grant (ms, local clock). */
  readonly waitedMs: number;
  /**
   * Replaces the recorded weight with the real one (e.g. a fills page reserved at 120, settled
   * to 20 + floor(n/20)). Settling above the reservation is allowed and may push the window over
   * the cap; later reservations then wait until it fits again. No effect once the entry has left
   * the window. Integer ≥ 0.
   */
  settle(actualWeight: number): Promise<void>;
}

export type TryReserveResult =
  | { granted: true; reservation: Reservation }
  | {
      granted: false;
      retryAfterMs: number;
      /** `window_full`: the weight does not fit; `paused`: after a 429; `queued`: waiters go first; `low_share`: low priority's share of the window is spent. */
      reason: 'window_full' | 'paused' | 'queued' | 'low_share';
    };

export interface BudgetUsage {
  weightPerMinute: number;
  /** Weight recorded in the current (effective) window. */
  usedLastMinute: number;
  /** Epoch ms until which every process is paused after a 429; null when not paused. */
  pausedUntil: number | null;
  consecutive429: number;
  waitingHigh: number;
  waitingLow: number;
}

/** In-process counters, for metrics. */
export interface RateBudgetCounters {
  reservationsGranted: number;
  weightGranted: number;
  /** Reservations that had to wait at least once. */
  waits: number;
  waitMsTotal: number;
  tryReserveDenied: number;
  settles: number;
  /** Sum of (settled − previously recorded) weight. */
  settledWeightDelta: number;
  rateLimited429: number;
  /** Round trips to Redis made by the budget's scripts. */
  scriptCalls: number;
}
