/**
 * What a lost budget state may grant, and the rule that makes that provable.
 *
 * The exchange counts every request for its window W; the budget counts every grant for
 * E = W + safety margin (effectiveWindowMs). When Redis loses the budget's state at T0, the
 * exchange still holds whatever was granted in (t − E, T0] at any t ≥ T0, and nothing tells us how
 * that was spread. Knowing only "never more than `limit` per E", the worst case is the whole limit
 * granted at T0 − 1 ms: it stays in the exchange's window until T0 + E, so a provable budget could
 * grant nothing for a whole window (what a fresh Redis also looks like: discovery's `meta` waited a
 * minute). Assuming it was spent evenly is not provable either: tracking spends in bursts.
 *
 * So the budget bounds bursts as well, always, with a curve: for every length ℓ ≤ E, the weight
 * granted in any interval of length ℓ is at most
 *
 *     bound(ℓ) = min(limit, burst + ⌊limit · ℓ / E⌋)
 *
 * (at most `burst` at once, then the window's own rate; the sustained rate is unchanged, one limit
 * per E). A grant is checked against the intervals ending at it, which is enough (take the last
 * grant inside any interval). After a loss at T0, what the exchange can still hold at T0 + u is the
 * weight granted in (T0 − (E − u), T0], so at most bound(E − u): the budget seeds its new window
 * with entries whose weight still inside it at every u is at least that bound (`lostWindowSeeds`),
 * and then grants exactly what `limit` leaves beside them. Capacity is zero for about
 * burst · E / limit after the loss, then ramps at the full rate (at 1200 / 60 s with a burst of 120:
 * a 20-weight `meta` read is granted about 7 s after the loss, not a window later). The seeds obey
 * the same curve, so new grants checked against seeds + grants keep the bound for the next loss too.
 */

/** The heaviest single /info request the app sends: a full fills page (20 + 2,000 items / 20). */
export const HEAVIEST_REQUEST_WEIGHT = 120;

/**
 * The app's burst: a tenth of the limit, never below the heaviest request (so every request the
 * app sends can be granted, at any limit), at most the limit.
 */
export function defaultBurstWeight(limit: number): number {
  return Math.min(limit, Math.max(Math.ceil(limit / 10), HEAVIEST_REQUEST_WEIGHT));
}

/** One grant (or seed) in the budget's window: Redis time of the grant (ms) and its weight. */
export interface Grant {
  at: number;
  weight: number;
}

export interface BurstCurve {
  /** Weight per (effective) window. */
  limit: number;
  /** Most weight at one instant (1 ≤ burst ≤ limit; burst = limit: no bound beyond the window). */
  burst: number;
  /** The effective window E (ms): the exchange's window plus the safety margin. */
  windowMs: number;
}

/** Most weight any interval of `lengthMs` (0 ≤ ℓ ≤ E) may hold. */
export function curveBound(c: BurstCurve, lengthMs: number): number {
  return Math.min(c.limit, c.burst + Math.floor((c.limit * Math.max(0, lengthMs)) / c.windowMs));
}

/** ⌈need · E / limit⌉ in exact integer steps: how long until the curve has `need` more room. */
function msForWeight(c: BurstCurve, need: number): number {
  return Math.floor((need * c.windowMs + c.limit - 1) / c.limit);
}

/**
 * ms until granting `weight` at `now` keeps the curve given the grants in the window (0 = fits
 * now; Infinity when `weight` alone exceeds the burst). Twin of `curve_retry` in the reserve script.
 */
export function curveRetryMs(c: BurstCurve, grants: readonly Grant[], now: number, weight: number): number {
  if (c.burst >= c.limit) return 0;
  if (weight > c.burst) return Infinity;
  const recent = grants.filter((g) => g.at > now - c.windowMs).sort((a, b) => b.at - a.at);
  let acc = weight;
  let retry = 0;
  for (const g of recent) {
    acc += g.weight;
    const need = acc - c.burst;
    if (need > 0) retry = Math.max(retry, g.at + msForWeight(c, need) - now);
  }
  return retry;
}

/** Whole-window check of the reserve script: total in (now − E, now] + weight ≤ limit. */
export function windowFits(c: BurstCurve, grants: readonly Grant[], now: number, weight: number): boolean {
  let total = weight;
  for (const g of grants) if (g.at > now - c.windowMs) total += g.weight;
  return total <= c.limit;
}

/** The budget's grant rule (no queue, no pause): the window and the curve both fit. */
export function budgetAdmits(c: BurstCurve, grants: readonly Grant[], now: number, weight: number): boolean {
  return windowFits(c, grants, now, weight) && curveRetryMs(c, grants, now, weight) === 0;
}

/** A seed entry: `weight` placed `ageMs` before the moment the loss is noticed. */
export interface Seed {
  ageMs: number;
  weight: number;
}

/**
 * The entries a lost state starts with: for every ℓ in (0, E], the seeds younger than ℓ (those
 * still in the window when E − ℓ has passed) weigh at least curveBound(ℓ), the most the lost
 * history can still have inside the exchange's window then. `slices` steps of E / slices each
 * (the bound is rounded up to the step's end). Sum = limit.
 */
export function lostWindowSeeds(c: BurstCurve, slices = 60): Seed[] {
  const seeds: Seed[] = [];
  let given = 0;
  for (let k = 0; k < slices && given < c.limit; k++) {
    const upto = Math.min(c.limit, c.burst + Math.ceil((c.limit * (k + 1)) / slices));
    if (upto > given) seeds.push({ ageMs: Math.floor((k * c.windowMs) / slices), weight: upto - given });
    given = upto;
  }
  return seeds;
}

/** `ageMs:weight;…`, the reserve script's seed argument. */
export function encodeSeeds(seeds: readonly Seed[]): string {
  return seeds.map((s) => `${s.ageMs}:${s.weight}`).join(';');
}
