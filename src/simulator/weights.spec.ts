import { requestWeight, RollingWindow, WeightLimiter } from './weights';

describe('requestWeight', () => {
  it('follows the PROTOCOL.md table', () => {
    expect(requestWeight('clearinghouseState')).toBe(2);
    expect(requestWeight('allMids')).toBe(2);
    expect(requestWeight('meta')).toBe(20);
    expect(requestWeight('metaAndAssetCtxs')).toBe(20);
    expect(requestWeight('portfolio')).toBe(20);
    expect(requestWeight('userRole')).toBe(60);
  });

  it('adds floor(items / 20) for fills and funding', () => {
    expect(requestWeight('userFills', { items: 0 })).toBe(20);
    expect(requestWeight('userFills', { items: 19 })).toBe(20);
    expect(requestWeight('userFills', { items: 20 })).toBe(21);
    expect(requestWeight('userFillsByTime', { items: 2000 })).toBe(120);
    expect(requestWeight('userFunding', { items: 45 })).toBe(22);
    expect(requestWeight('meta', { items: 1000 })).toBe(20);
  });

  it('charges batchClearinghouseStates 20 + 2 per extra user', () => {
    expect(requestWeight('batchClearinghouseStates', { users: 1 })).toBe(20);
    expect(requestWeight('batchClearinghouseStates', { users: 10 })).toBe(38);
  });
});

describe('RollingWindow', () => {
  it('admits up to the limit and refuses without consuming', () => {
    const w = new RollingWindow(60_000);
    expect(w.tryAdd(0, 60, 100)).toBe(true);
    expect(w.tryAdd(1, 40, 100)).toBe(true);
    expect(w.tryAdd(2, 1, 100)).toBe(false);
    expect(w.current(2)).toBe(100);
    expect(w.rejected).toBe(1);
    expect(w.total).toBe(100);
    expect(w.max).toBe(100);
  });

  it('rolls: weight older than the window is released', () => {
    const w = new RollingWindow(60_000);
    w.tryAdd(0, 70, 100);
    w.tryAdd(30_000, 30, 100);
    expect(w.tryAdd(59_999, 10, 100)).toBe(false);
    expect(w.tryAdd(60_000, 10, 100)).toBe(true); // the first 70 left the window
    expect(w.current(60_000)).toBe(40);
    expect(w.current(90_000)).toBe(10);
    expect(w.max).toBe(100);
  });

  it('tracks the max over any window with many entries', () => {
    const w = new RollingWindow(1000);
    for (let t = 0; t < 10_000; t += 10) w.tryAdd(t, 1, 1_000_000);
    expect(w.max).toBe(100);
    expect(w.current(9_990)).toBe(100);
  });
});

describe('WeightLimiter', () => {
  it('keeps one window per client', () => {
    let now = 0;
    const l = new WeightLimiter(10, 60_000, () => now);
    expect(l.tryConsume('a', 10)).toBe(true);
    expect(l.tryConsume('a', 1)).toBe(false);
    expect(l.tryConsume('b', 10)).toBe(true);
    now = 60_001;
    expect(l.tryConsume('a', 10)).toBe(true);
    expect(l.clientStats().a).toEqual({ currentWindow: 10, maxWindow: 10, rejected429: 1, totalConsumed: 20 });
  });
});
