import { allocateFill, applyFill, paperFill, unrealizedPnl } from './fills';
import { drawdownBreached, drawdownPct, followLossBreached, maySend } from './risk';

describe('applyFill', () => {
  it('opens, increases at average cost, reduces with realised PnL, flips and closes', () => {
    let p = applyFill({ size: 0, entryPx: 0 }, 1, 100);
    expect(p).toEqual({ size: 1, entryPx: 100, realizedPnl: 0 });
    p = applyFill(p, 1, 110);
    expect(p.entryPx).toBeCloseTo(105);
    p = applyFill(p, -0.5, 120);
    expect(p.size).toBeCloseTo(1.5);
    expect(p.entryPx).toBeCloseTo(105);
    expect(p.realizedPnl).toBeCloseTo(7.5);
    p = applyFill(p, -2.5, 100);
    expect(p.size).toBeCloseTo(-1);
    expect(p.entryPx).toBe(100);
    expect(p.realizedPnl).toBeCloseTo(-7.5);
    p = applyFill(p, 1, 90);
    expect(p).toEqual({ size: 0, entryPx: 0, realizedPnl: 10 });
  });

  it('unrealised PnL by side', () => {
    expect(unrealizedPnl({ size: -2, entryPx: 100 }, 90)).toBe(20);
    expect(unrealizedPnl({ size: 0, entryPx: 0 }, 90)).toBe(0);
  });
});

describe('paperFill', () => {
  it('worsens the latest price by the slippage and charges the taker fee', () => {
    const buy = paperFill(100, true, 2, 50, 4.5);
    expect(buy.price).toBeCloseTo(100.5);
    expect(buy.fee).toBeCloseTo(2 * 100.5 * 0.00045);
    expect(paperFill(100, false, 2, 50, 4.5).price).toBeCloseTo(99.5);
  });
});

describe('allocateFill', () => {
  it('splits by each follow gap in the fill direction', () => {
    const a = allocateFill(3, [
      { followId: 'a', gap: 1 },
      { followId: 'b', gap: 2 },
      { followId: 'c', gap: -1 },
    ]);
    expect(a.a).toBeCloseTo(1);
    expect(a.b).toBeCloseTo(2);
    expect(a.c).toBeUndefined();
    expect(allocateFill(-1, [{ followId: 'x', gap: 0 }])).toEqual({ x: -1 });
  });
});

describe('risk', () => {
  it('drawdown stop below peak × (1 − pct)', () => {
    expect(drawdownBreached(7_999, 10_000, 20)).toBe(true);
    expect(drawdownBreached(8_000, 10_000, 20)).toBe(false);
    expect(drawdownBreached(1, 10_000, null)).toBe(false);
    expect(drawdownPct(9_000, 10_000)).toBeCloseTo(10);
  });

  it('per-follow loss stop', () => {
    expect(followLossBreached(-100, 100)).toBe(true);
    expect(followLossBreached(-99.9, 100)).toBe(false);
    expect(followLossBreached(-1e9, null)).toBe(false);
  });

  it('the halt stops every send, a stop lets its exits through', () => {
    expect(maySend({ halted: true, followerStatus: 'active' }, true)).toEqual({ ok: false, reason: 'halted' });
    expect(maySend({ halted: false, followerStatus: 'stopped' }, false)).toEqual({ ok: false, reason: 'stopped' });
    expect(maySend({ halted: false, followerStatus: 'stopped' }, true)).toEqual({ ok: true });
    expect(maySend({ halted: false, followerStatus: 'active' }, false)).toEqual({ ok: true });
  });
});
