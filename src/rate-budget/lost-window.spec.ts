import { RollingWindow } from '../simulator/weights';
import { budgetAdmits, BurstCurve, curveBound, curveRetryMs, Grant, lostWindowSeeds, Seed } from './lost-window';

/** 32-bit LCG: reproducible weights. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
}

interface Run {
  /** Requests the exchange's window refused (the simulator's limiter: sliding W, per request). */
  excess: number;
  /** Most weight the exchange's window held. */
  max: number;
  /** Weight granted in the first `firstMs` after the loss. */
  grantedAfterLoss: (withinMs: number) => number;
}

/**
 * A budget spending under the grant rule until it loses its state at `lossAt`, then starting again
 * from `seeds` (placed before the loss), both phases against the exchange's own sliding window.
 * The pre-loss grants reach the exchange as late as the margin allows (they stay longest), the later
 * ones at once. `spend(now)` says whether the spender wants weight at `now` (greedy: as much as fits).
 */
function simulate(opts: {
  curve: BurstCurve;
  exchangeWindowMs: number;
  marginMs: number;
  lossAt: number;
  endAt: number;
  stepMs: number;
  seeds: Seed[];
  spendsBefore: (now: number) => boolean;
  weight: () => number;
  /** Pre-loss grants follow this rule (default: the budget's). */
  admitsBefore?: (grants: Grant[], now: number, weight: number) => boolean;
}): Run {
  const { curve, lossAt } = opts;
  const admitsBefore = opts.admitsBefore ?? ((g, now, w) => budgetAdmits(curve, g, now, w));
  const arrivals: Grant[] = [];
  const after: Grant[] = [];
  let grants: Grant[] = [];
  const spendAt = (now: number, admits: (g: Grant[], now: number, w: number) => boolean, delay: number, log?: Grant[]) => {
    grants = grants.filter((g) => g.at > now - curve.windowMs);
    for (let tries = 0; tries < 200; tries++) {
      const w = opts.weight();
      if (!admits(grants, now, w)) break;
      grants.push({ at: now, weight: w });
      arrivals.push({ at: now + delay, weight: w });
      log?.push({ at: now, weight: w });
    }
  };
  for (let now = 0; now < lossAt; now += opts.stepMs) {
    if (opts.spendsBefore(now)) spendAt(now, admitsBefore, opts.marginMs - 1);
  }
  // The very last instant before the loss, whatever the spender's rhythm.
  spendAt(lossAt - 1, admitsBefore, opts.marginMs - 1);
  // The loss: the window starts from the seeds alone.
  grants = opts.seeds.map((s) => ({ at: lossAt - s.ageMs, weight: s.weight }));
  for (let now = lossAt; now < opts.endAt; now += opts.stepMs) {
    spendAt(now, (g, t, w) => budgetAdmits(curve, g, t, w), 0, after);
  }
  const exchange = new RollingWindow(opts.exchangeWindowMs);
  arrivals.sort((a, b) => a.at - b.at);
  for (const a of arrivals) exchange.tryAdd(a.at, a.weight, curve.limit);
  return {
    excess: exchange.rejected,
    max: exchange.max,
    grantedAfterLoss: (withinMs) => after.filter((g) => g.at < lossAt + withinMs).reduce((s, g) => s + g.weight, 0),
  };
}

/** The previous assumption: the lost window was spent evenly (60 slices leaving one by one). */
function evenSeeds(c: BurstCurve): Seed[] {
  return Array.from({ length: 60 }, (_, i) => ({
    ageMs: c.windowMs - Math.floor((c.windowMs * (i + 1)) / 60),
    weight: Math.floor((c.limit * (i + 1)) / 60) - Math.floor((c.limit * i) / 60),
  }));
}

describe('lost window: what a budget may grant after Redis forgot its state', () => {
  // The restart test's scale: 100 per 10 s window at the simulator, 0.5 s margin (E = 10.5 s).
  const small: BurstCurve = { limit: 100, burst: 20, windowMs: 10_500 };
  // Production: 1200 per 60 s, 2 s margin, a burst of 120 (one full fills page).
  const prod: BurstCurve = { limit: 1200, burst: 120, windowMs: 62_000 };

  it('bounds any interval: the burst at once, then the window rate, never more than the limit', () => {
    expect(curveBound(small, 0)).toBe(20);
    expect(curveBound(small, 1050)).toBe(30);
    expect(curveBound(small, 10_500)).toBe(100);
    expect(curveBound(prod, 31_000)).toBe(720);
    expect(curveBound({ ...small, burst: 100 }, 1)).toBe(100);
  });

  it('seeds dominate the bound at every moment of the window after the loss, and sum to the limit', () => {
    for (const c of [small, prod, { ...small, burst: 100 }, { limit: 7, burst: 3, windowMs: 1000 }]) {
      const seeds = lostWindowSeeds(c);
      expect(seeds.reduce((s, x) => s + x.weight, 0)).toBe(c.limit);
      for (let len = 1; len <= c.windowMs; len++) {
        const inside = seeds.filter((s) => s.ageMs < len).reduce((s, x) => s + x.weight, 0);
        expect(inside).toBeGreaterThanOrEqual(curveBound(c, len));
      }
    }
    // No burst bound: the whole limit, just now (nothing provable is spread).
    expect(lostWindowSeeds({ limit: 100, burst: 100, windowMs: 10_500 })).toEqual([{ ageMs: 0, weight: 100 }]);
  });

  it('says how long until a grant fits the curve', () => {
    const now = 100_000;
    expect(curveRetryMs(small, [], now, 20)).toBe(0);
    expect(curveRetryMs(small, [], now, 21)).toBe(Infinity);
    // 20 granted just now: 2 more need 2 · 105 ms.
    expect(curveRetryMs(small, [{ at: now, weight: 20 }], now, 2)).toBe(210);
    expect(curveRetryMs(small, [{ at: now - 210, weight: 20 }], now, 2)).toBe(0);
    expect(curveRetryMs(small, [{ at: now - 209, weight: 20 }], now, 2)).toBe(1);
  });

  it('bursty history, loss right after a full burst: not one request over the exchange window', () => {
    for (const c of [small, prod]) {
      const random = rng(11);
      const run = simulate({
        curve: c,
        exchangeWindowMs: c === small ? 10_000 : 60_000,
        marginMs: c === small ? 500 : 2000,
        lossAt: 3 * c.windowMs + 4321,
        endAt: 6 * c.windowMs,
        stepMs: c === small ? 1 : 10,
        seeds: lostWindowSeeds(c),
        // Idle most of the time, then everything the rule allows in short bursts.
        spendsBefore: (now) => now % 7000 < 50 || now % 1900 < 3,
        weight: () => [2, 2, 20, 2, 20][Math.floor(random() * 5)],
      });
      expect(run.excess).toBe(0);
      expect(run.max).toBeLessThanOrEqual(c.limit);
    }
  });

  it('greedy spending up to the loss, greedy after: 0 excess, and the budget is spent again', () => {
    const random = rng(5);
    const run = simulate({
      curve: small,
      exchangeWindowMs: 10_000,
      marginMs: 500,
      lossAt: 25_000,
      endAt: 60_000,
      stepMs: 1,
      seeds: lostWindowSeeds(small),
      spendsBefore: () => true,
      weight: () => 1 + Math.floor(random() * 20),
    });
    expect(run.excess).toBe(0);
    expect(run.max).toBe(small.limit);
    // Ramp: well spent within the first window after the loss, the full limit per window after it.
    expect(run.grantedAfterLoss(10_500)).toBeGreaterThanOrEqual(60);
    expect(run.grantedAfterLoss(31_500)).toBeGreaterThanOrEqual(260);
  });

  it('a fresh Redis does not block a 20-weight read for a window: granted within burst + 20 of the rate', () => {
    const first = (c: BurstCurve): number => {
      const lossAt = 1_000_000;
      const grants = lostWindowSeeds(c).map((s) => ({ at: lossAt - s.ageMs, weight: s.weight }));
      for (let u = 0; u <= c.windowMs; u++) if (budgetAdmits(c, grants, lossAt + u, 20)) return u;
      return Infinity;
    };
    expect(first(prod)).toBeLessThanOrEqual(Math.ceil(((120 + 20) * 62_000) / 1200) + 62_000 / 60); // ≈ 8.3 s of 62
    expect(first(small)).toBeLessThanOrEqual(Math.ceil(((20 + 20) * 10_500) / 100) + 10_500 / 60); // ≈ 4.4 s of 10.5
  });

  it('the assumptions this replaces fail on the same bursty history (the test can fail)', () => {
    // Unbounded bursts before the loss, then the even ramp: the exchange refuses requests.
    const unbounded: BurstCurve = { ...small, burst: small.limit };
    const burstsEvery7s = (curve: BurstCurve, seeds: Seed[], admitsBefore?: (g: Grant[], now: number, w: number) => boolean): Run =>
      simulate({
        curve,
        exchangeWindowMs: 10_000,
        marginMs: 500,
        lossAt: 3 * small.windowMs + 4321,
        endAt: 6 * small.windowMs,
        stepMs: 1,
        seeds,
        spendsBefore: (now) => now % 7000 < 50,
        weight: () => 2,
        admitsBefore,
      });
    expect(burstsEvery7s(unbounded, evenSeeds(unbounded)).excess).toBeGreaterThan(0);
    // The curve's seeds but a spender that ignored the curve before the loss: refused too.
    const ignored = burstsEvery7s(small, lostWindowSeeds(small), (g, now, w) => budgetAdmits(unbounded, g, now, w));
    expect(ignored.excess).toBeGreaterThan(0);
  });
});
