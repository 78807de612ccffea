/**
 * Pure helpers of the shared weight budget: window length, back-off schedule, window-entry
 * encoding, jitter. The Lua scripts (rate-budget.scripts.ts) receive their inputs from here.
 */

export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_SAFETY_MARGIN_MS = 1_000;
export const DEFAULT_BACKOFF_BASE_MS = 2_000;
export const DEFAULT_BACKOFF_CAP_MS = 60_000;

/**
 * The window the budget enforces: the exchange's window plus a safety margin. A request reserved
 * at t reaches the exchange a little later (queueing, network); counting each reservation for
 * `windowMs + margin` guarantees that any set of requests arriving within one exchange window
 * (`windowMs`) were reserved within `windowMs + margin` of each other — so the exchange's own
 * rolling sum never exceeds the limit, as long as the send delay stays under the margin.
 */
export function effectiveWindowMs(windowMs: number, safetyMarginMs: number): number {
  return windowMs + Math.max(0, safetyMarginMs);
}

/** Back-off after the n-th consecutive 429 (n ≥ 1): base · 2^(n−1), capped. */
export function backoffDelayMs(consecutive429: number, baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS): number {
  const n = Math.max(1, Math.floor(consecutive429));
  return Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 40));
}

/**
 * The whole schedule, from the first 429 up to (and including) the first delay at the cap:
 * 2 s, 4 s, 8 s, 16 s, 32 s, 60 s by default. The script uses entry min(n, length).
 */
export function backoffSchedule(baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS): number[] {
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw new RangeError('backoff: need 0 < base ≤ cap');
  const schedule: number[] = [];
  for (let n = 1; ; n++) {
    const delay = backoffDelayMs(n, baseMs, capMs);
    schedule.push(delay);
    if (delay >= capMs) return schedule;
  }
}

/** A window entry: `<weight>:<reservation id>` (the script sums weights from member names). */
export function windowMember(weight: number, id: string): string {
  return `${weight}:${id}`;
}

export function memberWeight(member: string): number {
  return Number(member.slice(0, member.indexOf(':')));
}

/** A queued waiter: `<h|l>:<weight>:<waiter id>`. */
export function waiterMember(priority: 'high' | 'low', weight: number, id: string): string {
  return `${priority === 'high' ? 'h' : 'l'}:${weight}:${id}`;
}

/** Weights are whole numbers (the exchange's weights are). */
export function assertWeight(weight: number, limit: number, field = 'weight', min = 1): void {
  if (!Number.isSafeInteger(weight) || weight < min) {
    throw new RangeError(`${field} must be an integer ≥ ${min}, got ${weight}`);
  }
  if (min >= 1 && weight > limit) {
    throw new RangeError(`${field} ${weight} exceeds the budget of ${limit} per window: it could never be granted`);
  }
}

/** `ms` plus a uniform jitter in [0, jitterMs), so waiters of several processes do not wake in lockstep. */
export function withJitter(ms: number, jitterMs: number, random: () => number = Math.random): number {
  return Math.max(0, ms) + Math.floor(Math.max(0, jitterMs) * random());
}
