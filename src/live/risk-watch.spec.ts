import { RiskWatch } from './risk-watch';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);

describe('RiskWatch', () => {
  it('reports a long whose liquidation price the mark crossed, once per snapshot', () => {
    const w = new RiskWatch();
    w.setSnapshot(A, { accountValue: '1000', maintenance: '50', positions: [{ coin: 'ETH', szi: '2', mark: '3000', liquidationPx: '2600' }] });
    w.observePrice('ETH', '2700');
    expect(w.sweep()).toEqual([]);
    w.observePrice('ETH', '2599.5');
    expect(w.sweep()).toEqual([{ address: A, reason: 'liquidation_price' }]);
    expect(w.sweep()).toEqual([]); // reported already
    // A new snapshot (after the liquidation: flat) is watched afresh.
    w.setSnapshot(A, { accountValue: '300', maintenance: '0', positions: [] });
    expect(w.sweep()).toEqual([]);
  });

  it('reports a short when the mark rises through its liquidation price', () => {
    const w = new RiskWatch();
    w.setSnapshot(B, { accountValue: '500', maintenance: '10', positions: [{ coin: 'BTC', szi: '-0.1', mark: '60000', liquidationPx: '64000' }] });
    w.observePrice('BTC', '63999');
    expect(w.sweep()).toEqual([]);
    w.observePrice('BTC', '64000');
    expect(w.sweep()).toEqual([{ address: B, reason: 'liquidation_price' }]);
  });

  it('reports a cross account whose value, moved by prices since the snapshot, is below maintenance', () => {
    const w = new RiskWatch();
    // Long 10 SOL from mark 100 and short 1 ETH from mark 3000; value 400, maintenance 150; no liquidation prices.
    w.setSnapshot(A, {
      accountValue: '400',
      maintenance: '150',
      positions: [
        { coin: 'SOL', szi: '10', mark: '100', liquidationPx: null },
        { coin: 'ETH', szi: '-1', mark: '3000', liquidationPx: null },
      ],
    });
    w.observePrice('SOL', '90'); // −100 → 300
    w.observePrice('ETH', '3100'); // −100 → 200
    expect(w.sweep()).toEqual([]);
    w.observePrice('ETH', '3151'); // −151 → 149 < 150
    expect(w.sweep()).toEqual([{ address: A, reason: 'below_maintenance' }]);
  });

  it('reports a trade in its snapshot’s own millisecond at the next sweep, and unknown coins change nothing', () => {
    const w = new RiskWatch();
    w.setSnapshot(A, { accountValue: '100', maintenance: null, positions: [{ coin: 'DOGE', szi: '5', mark: '0.1', liquidationPx: null }] });
    w.observePrice('BTC', '1');
    w.ambiguous(A);
    expect(w.sweep()).toEqual([{ address: A, reason: 'same_millisecond' }]);
    w.ambiguous(A);
    expect(w.sweep()).toEqual([]);
  });

  it('a snapshot that found nothing wrong does not bring a trader back before the minimum interval', () => {
    const w = new RiskWatch(60_000);
    const snap = { accountValue: '1000', maintenance: '50', positions: [{ coin: 'ETH', szi: '1', mark: '3000', liquidationPx: '2500' }] };
    w.setSnapshot(A, snap);
    w.observePrice('ETH', '2400');
    expect(w.sweep(1_000_000)).toHaveLength(1);
    w.setSnapshot(A, snap); // the exchange had not liquidated it: same position, price still past
    expect(w.sweep(1_030_000)).toEqual([]);
    expect(w.sweep(1_060_001)).toEqual([{ address: A, reason: 'liquidation_price' }]);
  });
});
