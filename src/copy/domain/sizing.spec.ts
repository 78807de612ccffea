import {
  advanceFollowState,
  emptyFollowState,
  FollowSettings,
  followerTarget,
  followTarget,
  initialFollowState,
  LeaderView,
} from './sizing';
import { uncappedSettings } from './follow-settings.testing';

const base: FollowSettings = uncappedSettings();
const leader = (positions: Record<string, number>, equityUsd: number | null = 100_000, leverage: number | null = 10): LeaderView => ({
  equityUsd,
  positions: Object.fromEntries(Object.entries(positions).map(([c, size]) => [c, { size, leverage }])),
});
const prices = { BTC: 50_000, ETH: 2_000, SOL: 100 };

describe('followTarget', () => {
  it('proportional: leader size × follower equity / leader equity × multiplier', () => {
    const t = followTarget({ ...base, multiplier: 2 }, emptyFollowState(), leader({ BTC: 1, ETH: -10 }), 10_000, prices);
    expect(t.sizes.BTC).toBeCloseTo(0.2);
    expect(t.sizes.ETH).toBeCloseTo(-2);
    expect(t.unavailable).toBeNull();
  });

  it('proportional without leader equity is unavailable', () => {
    const t = followTarget(base, emptyFollowState(), leader({ BTC: 1 }, null), 10_000, prices);
    expect(t.unavailable).toMatch(/equity/);
    expect(t.sizes).toEqual({});
  });

  it('fixed_ratio: leader size × ratio', () => {
    const t = followTarget({ ...base, sizing: 'fixed_ratio', ratio: 0.05 }, emptyFollowState(), leader({ SOL: 200 }), 1, prices);
    expect(t.sizes.SOL).toBeCloseTo(10);
  });

  it('fixed_notional: notional at the open, then scaled with the leader', () => {
    const s: FollowSettings = { ...base, sizing: 'fixed_notional', notionalUsd: 1000 };
    let state = advanceFollowState(s, emptyFollowState(), leader({ ETH: 4 }), prices);
    expect(followTarget(s, state, leader({ ETH: 4 }), 0, prices).sizes.ETH).toBeCloseTo(0.5); // $1000 at 2000
    // The price moves and the leader doubles: the ratio fixed at the open holds.
    const moved = { ...prices, ETH: 4000 };
    state = advanceFollowState(s, state, leader({ ETH: 8 }), moved);
    expect(followTarget(s, state, leader({ ETH: 8 }), 0, moved).sizes.ETH).toBeCloseTo(1);
    // A flip opens anew at the new price.
    state = advanceFollowState(s, state, leader({ ETH: -2 }), moved);
    expect(followTarget(s, state, leader({ ETH: -2 }), 0, moved).sizes.ETH).toBeCloseTo(-0.25);
    // A close forgets the ratio.
    state = advanceFollowState(s, state, leader({ ETH: 0 }), moved);
    expect(state.ratios.ETH).toBeUndefined();
  });

  it('reverse negates, sides zero the other side', () => {
    const l = leader({ BTC: 1, ETH: -10 });
    const rev = followTarget({ ...base, reverse: true }, emptyFollowState(), l, 100_000, prices);
    expect(rev.sizes.BTC).toBeCloseTo(-1);
    expect(rev.sizes.ETH).toBeCloseTo(10);
    const longOnly = followTarget({ ...base, sides: 'long' }, emptyFollowState(), l, 100_000, prices);
    expect(longOnly.sizes.BTC).toBeCloseTo(1);
    expect(longOnly.sizes.ETH).toBe(0);
    const shortOnly = followTarget({ ...base, sides: 'short' }, emptyFollowState(), l, 100_000, prices);
    expect(shortOnly.sizes.BTC).toBe(0);
    expect(shortOnly.sizes.ETH).toBeCloseTo(-10);
  });

  it('coins outside coins_allow or inside coins_deny are left alone', () => {
    const l = leader({ BTC: 1, ETH: 1, SOL: 1 });
    expect(Object.keys(followTarget({ ...base, coinsAllow: ['BTC', 'SOL'] }, emptyFollowState(), l, 1, prices).sizes).sort()).toEqual(['BTC', 'SOL']);
    expect(Object.keys(followTarget({ ...base, coinsDeny: ['BTC'] }, emptyFollowState(), l, 1, prices).sizes).sort()).toEqual(['ETH', 'SOL']);
  });

  it('max_position_usd caps each coin, max_total_usd scales all down together', () => {
    const l = leader({ BTC: 1, ETH: 10 }); // $50k + $20k at equal equity
    const capped = followTarget({ ...base, maxPositionUsd: 25_000 }, emptyFollowState(), l, 100_000, prices);
    expect(capped.sizes.BTC).toBeCloseTo(0.5);
    expect(capped.sizes.ETH).toBeCloseTo(10);
    const total = followTarget({ ...base, maxTotalUsd: 35_000 }, emptyFollowState(), l, 100_000, prices);
    expect(total.sizes.BTC).toBeCloseTo(0.5);
    expect(total.sizes.ETH).toBeCloseTo(5);
  });

  it('leverage is min(leader, max_leverage)', () => {
    expect(followTarget({ ...base, maxLeverage: 5 }, emptyFollowState(), leader({ BTC: 1 }, 1e5, 20), 1, prices).leverage.BTC).toBe(5);
    expect(followTarget({ ...base, maxLeverage: 50 }, emptyFollowState(), leader({ BTC: 1 }, 1e5, 20), 1, prices).leverage.BTC).toBe(20);
    expect(followTarget(base, emptyFollowState(), leader({ BTC: 1 }, 1e5, null), 1, prices).leverage.BTC).toBeUndefined();
  });

  it('without copy_open_positions, positions already open are ignored until closed or flipped', () => {
    const start = leader({ BTC: 1 });
    let state = initialFollowState(start, false);
    expect(followTarget(base, state, leader({ BTC: 2 }), 100_000, prices).sizes.BTC).toBe(0);
    state = advanceFollowState(base, state, leader({ BTC: 0 }), prices);
    expect(followTarget(base, state, leader({ BTC: 1 }), 100_000, prices).sizes.BTC).toBeCloseTo(1);
    expect(initialFollowState(start, true).ignored).toEqual({});
  });
});

describe('followerTarget', () => {
  it('sums follows, keeps held coins a follow manages at zero, takes the smallest leverage', () => {
    const a = { id: 'a', settings: { ...base, maxLeverage: 3 }, target: followTarget({ ...base, maxLeverage: 3 }, emptyFollowState(), leader({ BTC: 1 }), 10_000, prices) };
    const b = { id: 'b', settings: { ...base, coinsDeny: ['SOL'] }, target: followTarget(base, emptyFollowState(), leader({ BTC: -0.5, ETH: 1 }), 10_000, prices) };
    const t = followerTarget([a, b], ['SOL', 'ETH']);
    expect(t.sizes.BTC).toBeCloseTo(0.05);
    expect(t.sizes.ETH).toBeCloseTo(0.1);
    expect(t.sizes.SOL).toBe(0); // follow a manages SOL and holds nothing there: close it
    expect(t.leverage.BTC).toBe(3);
    expect(t.byFollow.b.BTC).toBeCloseTo(-0.05);
  });
});
