import { DEFAULT_LEADERBOARD_WEIGHTS } from '../config/env.schema';
import { normalise, percentileCont, ScoreInputs, scoreBounds, traderScore } from './score';

const weights = { ...DEFAULT_LEADERBOARD_WEIGHTS };
const trader = (over: Partial<ScoreInputs> = {}): ScoreInputs => ({
  win_rate: 0.5,
  total_volume_usd: 1000,
  max_drawdown: 0.1,
  avg_risk_ratio: 1,
  max_profit_usd: 100,
  ...over,
});

describe('percentileCont (PostgreSQL percentile_cont)', () => {
  it('interpolates linearly between the closest ranks', () => {
    expect(percentileCont([4, 1, 3, 2], 0.05)).toBeCloseTo(1.15, 12);
    expect(percentileCont([4, 1, 3, 2], 0.95)).toBeCloseTo(3.85, 12);
    expect(percentileCont([7], 0.95)).toBe(7);
  });

  it('ignores nulls and answers null for no values', () => {
    expect(percentileCont([null, 5, null, 1], 0.5)).toBe(3);
    expect(percentileCont([null], 0.5)).toBeNull();
    expect(percentileCont([], 0.5)).toBeNull();
  });
});

describe('normalise', () => {
  it('clips at the bounds, then scales to [0, 1]', () => {
    expect(normalise(5, { lo: 0, hi: 10 })).toBe(0.5);
    expect(normalise(-3, { lo: 0, hi: 10 })).toBe(0);
    expect(normalise(1e12, { lo: 0, hi: 10 })).toBe(1);
  });

  it('without spread: 1 above, 0 below, 0.5 at the value', () => {
    expect(normalise(2, { lo: 1, hi: 1 })).toBe(1);
    expect(normalise(0, { lo: 1, hi: 1 })).toBe(0);
    expect(normalise(1, { lo: 1, hi: 1 })).toBe(0.5);
  });

  it('is null when the value or the bounds are unknown', () => {
    expect(normalise(null, { lo: 0, hi: 1 })).toBeNull();
    expect(normalise(1, { lo: null, hi: null })).toBeNull();
  });
});

describe('traderScore', () => {
  it('weights the normalised metrics, drawdown and risk inverted, into [0, 1]', () => {
    const pop = [
      trader({ win_rate: 0, total_volume_usd: 0, max_drawdown: 0, avg_risk_ratio: 0, max_profit_usd: 0 }),
      trader({ win_rate: 1, total_volume_usd: 100, max_drawdown: 1, avg_risk_ratio: 10, max_profit_usd: 50 }),
    ];
    const bounds = scoreBounds(pop);
    const best = trader({ win_rate: 1, total_volume_usd: 100, max_drawdown: 0, avg_risk_ratio: 0, max_profit_usd: 50 });
    const worst = trader({ win_rate: 0, total_volume_usd: 0, max_drawdown: 1, avg_risk_ratio: 10, max_profit_usd: 0 });
    expect(traderScore(best, bounds, weights)).toBeCloseTo(1, 12);
    expect(traderScore(worst, bounds, weights)).toBeCloseTo(0, 12);
    // Only the win rate at the top, the rest in the middle of their ranges.
    const mid = trader({ win_rate: 1, total_volume_usd: 50, max_drawdown: 0.5, avg_risk_ratio: 5, max_profit_usd: 25 });
    expect(traderScore(mid, bounds, weights)).toBeCloseTo(0.3 + 0.5 * 0.7, 12);
  });

  it('gives a missing metric no credit', () => {
    const bounds = scoreBounds([trader({ win_rate: 0 }), trader({ win_rate: 1 })]);
    const known = traderScore(trader({ win_rate: 1 }), bounds, weights);
    const unknown = traderScore(trader({ win_rate: null }), bounds, weights);
    expect(known - unknown).toBeCloseTo(0.3, 12);
  });

  it('divides by the weights\' sum, and is 0 when every weight is 0', () => {
    const bounds = scoreBounds([trader({ win_rate: 0 }), trader({ win_rate: 1 })]);
    const onlyWinRate = { win_rate: 2, total_volume_usd: 0, max_drawdown: 0, avg_risk_ratio: 0, max_profit_usd: 0 };
    expect(traderScore(trader({ win_rate: 1 }), bounds, onlyWinRate)).toBe(1);
    const none = { ...onlyWinRate, win_rate: 0 };
    expect(traderScore(trader(), bounds, none)).toBe(0);
  });

  it('is robust to one whale: clipping at p95 keeps everyone else spread out', () => {
    const pop = Array.from({ length: 40 }, (_, i) => trader({ total_volume_usd: 1000 * (i + 1) }));
    pop.push(trader({ total_volume_usd: 1e12 }));
    const bounds = scoreBounds(pop);
    expect(bounds.total_volume_usd.hi).toBeLessThan(1e6);
    const volumeOnly = { win_rate: 0, total_volume_usd: 1, max_drawdown: 0, avg_risk_ratio: 0, max_profit_usd: 0 };
    const scores = pop.map((t) => traderScore(t, bounds, volumeOnly));
    // Plain min-max would put the 40 ordinary traders within 4e-8 of each other; here they span most of [0, 1].
    expect(scores[38] - scores[2]).toBeGreaterThan(0.8);
    expect(scores[40]).toBe(1);
  });
});
