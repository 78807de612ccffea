import { distribution, percentile, slippageVsLeader, trackingError } from './performance';

describe('performance', () => {
  it('percentiles (nearest rank)', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([], 50)).toBeNull();
    expect(distribution([3, null, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3 });
  });

  it('slippage against the leader price, paid positive', () => {
    const s = slippageVsLeader([
      { isBuy: true, filledSize: 2, avgPrice: 101, leaderPrice: 100, fee: 0 },
      { isBuy: false, filledSize: 1, avgPrice: 99, leaderPrice: 100, fee: 0 },
      { isBuy: true, filledSize: 1, avgPrice: 99, leaderPrice: null, fee: 0 },
    ]);
    expect(s.usd).toBeCloseTo(3);
    expect(s.orders).toBe(2);
    expect(s.bps).toBeCloseTo(100);
  });

  it('tracking error is what copying cost, plus the size gap', () => {
    const t = trackingError(90, 6, 4, [{ desired: 1, actual: 0.9, mark: 100 }], 1000);
    expect(t.leaders_scaled_pnl_usd).toBe(100);
    expect(t.tracking_error_usd).toBe(-10);
    expect(t.size_gap_usd).toBeCloseTo(10);
    expect(t.size_gap_pct).toBeCloseTo(1);
  });
});
