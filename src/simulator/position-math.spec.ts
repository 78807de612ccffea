import { applyDelta, liquidationPrice } from './position-math';

const SCALE = 100; // 2 size decimals

describe('applyDelta', () => {
  it('opens and averages the entry on adds', () => {
    const a = applyDelta(0, 0, 100, 10, SCALE);
    expect(a).toEqual({ szi: 100, entryPx: 10, closedPnl: 0, dir: 'Open Long', opened: true });
    const b = applyDelta(100, 10, 300, 14, SCALE);
    expect(b.szi).toBe(400);
    expect(b.entryPx).toBeCloseTo(13, 10);
    expect(b.dir).toBe('Open Long');
    expect(applyDelta(0, 0, -5, 3, SCALE).dir).toBe('Open Short');
  });

  it('realizes pnl on reductions and keeps the entry', () => {
    const r = applyDelta(400, 13, -100, 15, SCALE); // sell 1.00 at 15, entry 13
    expect(r.szi).toBe(300);
    expect(r.entryPx).toBe(13);
    expect(r.closedPnl).toBeCloseTo(2, 10);
    expect(r.dir).toBe('Close Long');
    const s = applyDelta(-200, 20, 50, 18, SCALE); // short 2 at 20, buy back 0.5 at 18
    expect(s.closedPnl).toBeCloseTo(1, 10);
    expect(s.dir).toBe('Close Short');
  });

  it('closes to flat', () => {
    const c = applyDelta(-200, 20, 200, 25, SCALE);
    expect(c).toEqual({ szi: 0, entryPx: 0, closedPnl: -10, dir: 'Close Short', opened: false });
  });

  it('flips through zero', () => {
    const f = applyDelta(100, 10, -300, 12, SCALE);
    expect(f.szi).toBe(-200);
    expect(f.entryPx).toBe(12);
    expect(f.closedPnl).toBeCloseTo(2, 10);
    expect(f.dir).toBe('Long > Short');
    expect(f.opened).toBe(true);
    expect(applyDelta(-100, 10, 101, 9, SCALE).dir).toBe('Short > Long');
  });
});

describe('liquidationPrice', () => {
  it('is below the mark for a long and above for a short', () => {
    const long = liquidationPrice({ size: 1, markPx: 100, accountValue: 20, otherMaintenance: 0, maintenanceRate: 0.01 });
    expect(long).not.toBeNull();
    expect(long!).toBeLessThan(100);
    // At the liquidation price account value equals maintenance.
    expect(20 + (long! - 100)).toBeCloseTo(long! * 0.01, 8);
    const short = liquidationPrice({ size: -1, markPx: 100, accountValue: 20, otherMaintenance: 0, maintenanceRate: 0.01 });
    expect(short!).toBeGreaterThan(100);
  });

  it('is null when the account can never be liquidated', () => {
    expect(liquidationPrice({ size: 1, markPx: 100, accountValue: 1000, otherMaintenance: 0, maintenanceRate: 0.01 })).toBeNull();
    expect(liquidationPrice({ size: 0, markPx: 100, accountValue: 1, otherMaintenance: 0, maintenanceRate: 0.01 })).toBeNull();
  });
});
