import {
  DAY_MS,
  dailyCloses,
  holdingPeriods,
  maxDrawdown,
  profitableShare,
  RiskFill,
  riskFigures,
  sharpeRatio,
  sortinoRatio,
  weeklyReturns,
} from './risk-metrics';

/** Monday 2026-01-05, noon UTC. */
const MON = Date.UTC(2026, 0, 5, 12);
const day = (k: number, hours = 0) => MON + k * DAY_MS + hours * 3_600_000;
const series = (values: number[]) => values.map((av, k) => ({ t: day(k), av }));
const fill = (t: number, side: 'B' | 'A', sz: number, net = 0, coin = 'BTC', px = 100): RiskFill => ({
  t,
  coin,
  side,
  sz,
  px,
  startPosition: null,
  net,
});

describe('risk metrics, hand-computed', () => {
  it('a flat account: no drawdown, no ratios (zero spread), no profitable or losing day', () => {
    const f = riskFigures({ points: series([100, 100, 100, 100, 100]), snapshots: [], fills: [] }, null, day(4));
    expect(maxDrawdown([100, 100, 100])).toBe(0);
    expect(f).toMatchObject({
      sharpeRatio: null,
      sortinoRatio: null,
      profitableDaysShare: null,
      profitableWeeksShare: null,
      avgHoldingSeconds: null,
      dailyReturns: 4,
      source: 'account',
    });
  });

  it('an all-loss account: returns −10 %, −20 %, −10 %', () => {
    const f = riskFigures({ points: series([100, 90, 72, 64.8]), snapshots: [], fills: [] }, null, day(3));
    // mean −0.133333, sample sd √((0.0333² + 0.0667² + 0.0333²) / 2) = 0.057735, downside √(0.06 / 3) = 0.141421
    expect(f.sharpeRatio).toBeCloseTo((-0.1333333 / 0.0577350) * Math.sqrt(365), 3);
    expect(f.sharpeRatio).toBeCloseTo(-44.121, 2);
    expect(f.sortinoRatio).toBeCloseTo(-18.012, 2);
    expect(f.profitableDaysShare).toBe(0);
    // Tuesday to Thursday in one week: 0.9 × 0.8 × 0.9 − 1 = −0.352, a losing week.
    expect(weeklyReturns([{ day: 1, r: 0 }])).toHaveLength(1);
    expect(f.profitableWeeksShare).toBe(0);
    expect(maxDrawdown([100, 90, 72, 64.8])).toBeCloseTo(0.352, 12);
  });

  it('a single trade with no account series of its own: the fills\' curve stands in', () => {
    // One open, one close a day later for +50 (net of fees), latest account value 1050: start 1000.
    const fills = [fill(day(0), 'B', 1, -0.5), fill(day(1), 'A', 1, 50.5)];
    const f = riskFigures({ points: [{ t: day(1, 1), av: 1050 }], snapshots: [], fills }, null, day(1, 2));
    expect(f.source).toBe('fills');
    // Curve 1000, 999.5, 1050: drawdown 0.5 / 1000; one daily return (day 0 → day 1) = 1050 / 999.5 − 1.
    expect(f.fillsDrawdown).toBeCloseTo(0.0005, 12);
    expect(f.dailyReturns).toBe(1);
    expect(f.sharpeRatio).toBeNull();
    expect(f.profitableDaysShare).toBe(1);
    expect(f.avgHoldingSeconds).toBe(86_400);
  });

  it('a mixed week and a winning one: shares of profitable days and weeks', () => {
    // Mon 100, Tue 110 (+), Wed 99 (−), Thu 99 (0), Fri 108.9 (+); next Mon 119.79 (+).
    const pts = series([100, 110, 99, 99, 108.9, 108.9, 108.9, 119.79]);
    const f = riskFigures({ points: pts, snapshots: [], fills: [] }, null, day(7));
    expect(f.profitableDaysShare).toBeCloseTo(3 / 4, 12);
    // Week 1: 108.9 / 100 − 1 > 0; week 2 (Monday): +10 %.
    expect(f.profitableWeeksShare).toBe(1);
    const r = [0.1, -0.1, 0, 0.1, 0, 0, 0.1];
    expect(sharpeRatio(r)).toBeCloseTo((0.2 / 7 / Math.sqrt(r.reduce((s, x) => s + (x - 0.2 / 7) ** 2, 0) / 6)) * Math.sqrt(365), 9);
    expect(sortinoRatio(r)).toBeCloseTo((0.2 / 7 / Math.sqrt(0.01 / 7)) * Math.sqrt(365), 9);
    expect(profitableShare([0, 0, 0])).toBeNull();
  });

  it('a window: its points plus the anchor; leverage and position from the snapshots inside', () => {
    const pts = series([100, 50, 80, 40]);
    const snaps = [
      { t: day(2), av: 80, ntl: 160 },
      { t: day(3), av: 40, ntl: 0 },
      { t: day(0), av: 100, ntl: 1000 },
    ];
    const f = riskFigures({ points: pts, snapshots: snaps, fills: [] }, day(1), day(3));
    // Anchor 50 (day 1), then 80, 40: returns +0.6, −0.5.
    expect(f.dailyReturns).toBe(2);
    expect(f.profitableDaysShare).toBe(0.5);
    expect(f.avgLeverage).toBe(2);
    expect(f.avgPositionUsd).toBe(160);
  });

  it('daily closes carry the last value over days without a point', () => {
    expect(dailyCloses([{ t: day(0), av: 1 }, { t: day(0, 5), av: 2 }, { t: day(3), av: 3 }], day(4))).toEqual([
      { day: 20458, v: 2 },
      { day: 20459, v: 2 },
      { day: 20460, v: 2 },
      { day: 20461, v: 3 },
      { day: 20462, v: 3 },
    ]);
  });

  it('holding periods: open to close per coin, a flip closes one and opens the next', () => {
    const s = (x: number) => x * 1000;
    const periods = holdingPeriods([
      fill(s(0), 'B', 1),
      fill(s(100), 'A', 2),
      fill(s(300), 'B', 1),
      fill(s(50), 'A', 3, 0, 'ETH'),
      fill(s(60), 'B', 1, 0, 'ETH'),
      fill(s(1050), 'B', 2, 0, 'ETH'),
    ]);
    expect(periods).toEqual([
      { opened: s(0), closed: s(100) },
      { opened: s(100), closed: s(300) },
      { opened: s(50), closed: s(1050) },
    ]);
    // A history that starts inside a position (the exchange's start position): held since the first fill seen.
    expect(holdingPeriods([{ ...fill(s(10), 'A', 1), startPosition: 1 }])).toEqual([{ opened: s(10), closed: s(10) }]);
  });

  it('nothing known: every figure null', () => {
    expect(riskFigures({ points: [], snapshots: [], fills: [] }, null, day(1))).toEqual({
      sharpeRatio: null,
      sortinoRatio: null,
      avgHoldingSeconds: null,
      profitableDaysShare: null,
      profitableWeeksShare: null,
      avgLeverage: null,
      avgPositionUsd: null,
      fillsDrawdown: null,
      dailyReturns: 0,
      source: null,
    });
  });
});
