import { planCoin, PlanOptions } from './order-plan';

const signal: PlanOptions = { mode: 'signal', entrySlippageBps: 50, exitSlippageBps: 300, stale: false, rebalanceBandPct: 5 };
const reconcile: PlanOptions = { ...signal, mode: 'reconcile' };
const btc = (desired: number, actual: number, price: number | null = 50_000) => ({ coin: 'BTC', desired, actual, price, szDecimals: 5 });

describe('planCoin', () => {
  it('opens with an IOC limit at price + entry slippage, rounded up', () => {
    const p = planCoin(btc(0.01234567, 0), signal);
    expect(p.orders).toEqual([
      { coin: 'BTC', kind: 'open', isBuy: true, size: '0.01234', limitPrice: '50250', reduceOnly: false, delta: 0.01234 },
    ]);
  });

  it('shorts sell below the price, rounded down', () => {
    const p = planCoin({ coin: 'ETH', desired: -1.5, actual: 0, price: 3333.33, szDecimals: 4 }, signal);
    expect(p.orders[0]).toMatchObject({ isBuy: false, size: '1.5', limitPrice: '3316.6', reduceOnly: false });
  });

  it('decreases reduce-only with the exit slippage', () => {
    const p = planCoin(btc(0.5, 1), signal);
    expect(p.orders).toEqual([{ coin: 'BTC', kind: 'decrease', isBuy: false, size: '0.5', limitPrice: '48500', reduceOnly: true, delta: -0.5 }]);
  });

  it('the exit slippage is at least the entry slippage', () => {
    const p = planCoin(btc(0, 1), { ...signal, entrySlippageBps: 500 });
    expect(p.orders[0].limitPrice).toBe('47500');
  });

  it('closes the whole position reduce-only, even under $10', () => {
    const p = planCoin(btc(0, 0.0001), signal); // $5
    expect(p.orders).toHaveLength(1);
    expect(p.orders[0]).toMatchObject({ kind: 'close', size: '0.0001', reduceOnly: true, isBuy: false });
  });

  it('a flip is a reduce-only close then an open', () => {
    const p = planCoin(btc(-0.2, 0.1), signal);
    expect(p.orders.map((o) => [o.kind, o.isBuy, o.size, o.reduceOnly])).toEqual([
      ['flip_close', false, '0.1', true],
      ['flip_open', false, '0.2', false],
    ]);
  });

  it('skips entries and partial exits under $10, naming the reason', () => {
    expect(planCoin(btc(0.0001, 0), signal)).toEqual({ orders: [], skipped: [expect.objectContaining({ reason: 'below_minimum', kind: 'open' })] });
    expect(planCoin(btc(0.0009, 0.001), signal).skipped[0]).toMatchObject({ reason: 'below_minimum', kind: 'decrease' });
  });

  it('a stale signal opens nothing but exits still go', () => {
    const stale = { ...signal, stale: true };
    expect(planCoin(btc(0.1, 0), stale).skipped[0]).toMatchObject({ reason: 'stale_signal' });
    expect(planCoin(btc(0.2, 0.1), stale).orders).toHaveLength(0);
    expect(planCoin(btc(0, 0.1), stale).orders[0].kind).toBe('close');
    const flip = planCoin(btc(-0.1, 0.1), stale);
    expect(flip.orders.map((o) => o.kind)).toEqual(['flip_close']);
    expect(flip.skipped[0]).toMatchObject({ kind: 'flip_open', reason: 'stale_signal' });
  });

  it('reconciliation respects the band and still completes larger gaps (a partial fill)', () => {
    expect(planCoin(btc(1.04, 1), reconcile).orders).toHaveLength(0);
    expect(planCoin(btc(1.04, 1), reconcile).skipped[0].reason).toBe('within_band');
    expect(planCoin(btc(1, 0.6), reconcile).orders[0]).toMatchObject({ kind: 'increase', size: '0.4' });
    // A close is never held back by the band.
    expect(planCoin(btc(0, 0.01), reconcile).orders[0].kind).toBe('close');
    // Reconciliation is not a late signal: it completes an entry.
    expect(planCoin(btc(1, 0.6), { ...reconcile, stale: true }).orders).toHaveLength(1);
  });

  it('nothing when the difference rounds to zero, no orders without a price', () => {
    expect(planCoin(btc(0.100001, 0.1), reconcile)).toEqual({ orders: [], skipped: [] });
    expect(planCoin(btc(0.100001, 0.1), signal).skipped[0]).toMatchObject({ reason: 'below_lot_size', size: '0' });
    expect(planCoin(btc(0.1, 0.1), signal)).toEqual({ orders: [], skipped: [] });
    expect(planCoin(btc(0.1, 0, null), signal).skipped[0].reason).toBe('no_price');
  });
});
