import { BacktestOptions, CopyBacktest, LeaderFill, thin } from './backtest';
import { uncappedSettings } from './follow-settings.testing';
import type { FollowSettings } from './sizing';

const SETTINGS: FollowSettings = uncappedSettings({ sizing: 'fixed_ratio', ratio: 0.5 });
const DECIMALS: Record<string, number> = { BTC: 3, ETH: 4 };

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    settings: SETTINGS,
    copyOpenPositions: false,
    equityUsd: 10_000,
    slippageBps: 10,
    exitSlippageBps: 300,
    rebalanceBandPct: 5,
    maxLossUsd: null,
    feeBps: 5,
    reconcileMs: 0,
    szDecimals: (coin) => DECIMALS[coin] ?? 2,
    leaderEquityAt: () => null,
    startMs: 0,
    endMs: 10_000,
    ...over,
  };
}

const fill = (t: number, coin: string, side: 'A' | 'B', sz: number, px: number, startPosition: number | null): LeaderFill => ({ t, coin, side, sz, px, startPosition });

function replay(fills: LeaderFill[], over: Partial<BacktestOptions> = {}) {
  const bt = new CopyBacktest(options(over));
  for (const f of fills) bt.push(f);
  return bt.finish();
}

describe('CopyBacktest', () => {
  it('replays a leader by hand: fixed_ratio 0.5, 10 bps paper slippage, 5 bps fee', () => {
    const r = replay([
      fill(1000, 'BTC', 'B', 1, 100_000, 0), // leader 1 → buy 0.5 at 100,100, fee 25.025
      fill(2000, 'BTC', 'A', 0.4, 110_000, 1), // leader 0.6 → sell 0.2 at 109,890, fee 10.989, realised +1,958
      fill(3000, 'ETH', 'B', 10, 4000, 0), // leader 10 → buy 5 at 4,004, fee 10.01
      fill(4000, 'BTC', 'A', 0.6, 90_000, 0.6), // leader flat → sell 0.3 at 89,910, fee 13.4865, realised −3,057
      fill(5000, 'ETH', 'B', 0.002, 4100, 10), // desired 5.001: a $4.10 delta stays under the $10 minimum
    ]);
    // Equity after each step, by hand:
    const e1 = 10_000 - 25.025 + (100_000 - 100_100) * 0.5; // 9,924.975
    const e2 = 10_000 + 1958 - 25.025 - 10.989 + (110_000 - 100_100) * 0.3; // 14,891.986
    const e3 = e2 - 10.01 + (4000 - 4004) * 5; // 14,861.976
    const e4 = 10_000 + 1958 - 3057 - (25.025 + 10.989 + 10.01 + 13.4865) + (4000 - 4004) * 5; // 8,821.4895
    const e5 = 10_000 - 1099 - 59.5105 + (4100 - 4004) * 5; // 9,321.4895
    expect(r.orders).toBe(4);
    expect(r.skippedOrders).toBe(1);
    expect(r.leaderFills).toBe(5);
    expect(r.feesUsd).toBeCloseTo(59.5105, 9);
    expect(r.realizedPnlUsd).toBeCloseTo(-1099, 9);
    expect(r.unrealizedPnlUsd).toBeCloseTo(480, 9);
    expect(r.pnlUsd).toBeCloseTo(-678.5105, 9);
    expect(r.pnlUsd).toBeCloseTo(e5 - 10_000, 9);
    expect(r.maxDrawdownPct).toBeCloseTo(((e2 - e4) / e2) * 100, 9);
    const curve = r.equityCurve;
    expect(curve.map((p) => p[0])).toEqual([0, 1000, 2000, 3000, 4000, 5000, 10_000]);
    [10_000, e1, e2, e3, e4, e5, e5].forEach((v, i) => expect(curve[i][1]).toBeCloseTo(v, 9));
    expect(r.positions).toEqual([{ coin: 'ETH', size: 5, entryPx: expect.closeTo(4004, 9), markPx: 4100 }]);
  });

  it('applies one leader order (fills of one coin at one time) as one signal', () => {
    const r = replay([fill(1000, 'BTC', 'B', 0.5, 100_000, 0), fill(1000, 'BTC', 'B', 0.5, 100_010, 0.5)]);
    expect(r.orders).toBe(1);
    expect(r.positions[0]).toMatchObject({ coin: 'BTC', size: 0.5, markPx: 100_010 });
  });

  it('ignores a position held before the window until it is closed, unless copy_open_positions', () => {
    const fills = [fill(1000, 'BTC', 'B', 1, 100_000, 2), fill(2000, 'BTC', 'A', 3, 100_000, 3), fill(3000, 'BTC', 'B', 1, 100_000, 0)];
    const ignored = replay(fills);
    expect(ignored.orders).toBe(1); // only the open after the close
    expect(ignored.positions[0]).toMatchObject({ size: 0.5 });
    const entered = replay(fills, { copyOpenPositions: true });
    expect(entered.orders).toBe(3); // enter 1.5, close it, open 0.5
    expect(entered.positions[0]).toMatchObject({ size: 0.5 });
  });

  it('sizes proportionally to the leader equity at the time of each fill', () => {
    const settings: FollowSettings = { ...SETTINGS, sizing: 'proportional', ratio: null, multiplier: 2 };
    const r = replay([fill(1000, 'ETH', 'B', 10, 4000, 0)], { settings, leaderEquityAt: (t) => (t < 500 ? 1 : 100_000), slippageBps: 1, feeBps: 0 });
    // 10 × 10,000 / 100,000 × 2 = 2 ETH
    expect(r.positions[0]).toMatchObject({ coin: 'ETH', size: 2 });
    const none = replay([fill(1000, 'ETH', 'B', 10, 4000, 0)], { settings, leaderEquityAt: () => null });
    expect(none.orders).toBe(0);
  });

  it('caps each coin at max_position_usd and rounds sizes down to szDecimals', () => {
    const settings: FollowSettings = { ...SETTINGS, ratio: 1, maxPositionUsd: 1000 };
    const r = replay([fill(1000, 'BTC', 'B', 1, 30_000, 0)], { settings });
    expect(r.positions[0].size).toBe(0.033); // 1,000 / 30,000 = 0.0333… → 0.033
  });

  it('stops copying at max_loss_usd and closes what it holds', () => {
    const r = replay(
      [fill(1000, 'BTC', 'B', 1, 100_000, 0), fill(2000, 'BTC', 'B', 0.1, 90_000, 1), fill(3000, 'BTC', 'B', 1, 95_000, 1.1)],
      { maxLossUsd: 1000 },
    );
    expect(r.stopped).toBe(true);
    expect(r.positions).toEqual([]);
    expect(r.orders).toBe(3); // open 0.5, increase 0.05, then the stop's close; nothing after
  });

  it('reconciles idle coins every reconcile interval (proportional: equity moved)', () => {
    const settings: FollowSettings = { ...SETTINGS, sizing: 'proportional', ratio: null };
    const fills = [fill(1000, 'ETH', 'B', 100, 1000, 0), fill(1000, 'BTC', 'B', 10, 100_000, 0), fill(120_000, 'BTC', 'A', 1, 150_000, 10)];
    const opts = { settings, leaderEquityAt: () => 2_000_000, slippageBps: 1, feeBps: 0 };
    const without = replay(fills, opts);
    const withRec = replay(fills, { ...opts, reconcileMs: 60_000 });
    expect(without.positions.find((p) => p.coin === 'ETH')!.size).toBe(0.5);
    expect(withRec.positions.find((p) => p.coin === 'ETH')!.size).toBeGreaterThan(0.5);
  });

  it('answers an empty replay with a flat curve', () => {
    const r = replay([]);
    expect(r).toMatchObject({ pnlUsd: 0, orders: 0, feesUsd: 0, maxDrawdownPct: 0, leaderFills: 0 });
    expect(r.equityCurve).toEqual([
      [0, 10_000],
      [10_000, 10_000],
    ]);
  });
});

describe('thin', () => {
  it('keeps the first, the last and each bucket\'s low and high', () => {
    const points: Array<[number, number]> = Array.from({ length: 1000 }, (_, i) => [i, i === 500 ? -5 : i]);
    const out = thin(points, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out[0]).toEqual([0, 0]);
    expect(out[out.length - 1]).toEqual([999, 999]);
    expect(out).toContainEqual([500, -5]);
    expect(out.map((p) => p[0])).toEqual([...out.map((p) => p[0])].sort((a, b) => a - b));
    expect(thin(points.slice(0, 10), 100)).toHaveLength(10);
  });
});
