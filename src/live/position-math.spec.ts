import { readFileSync } from 'fs';
import { join } from 'path';
import { applyTrade, formatDecimal, normaliseDecimalString, PositionState, toDecimal, TradeResult } from './position-math';

const state = (r: TradeResult): PositionState => ({ szi: r.szi, entryPx: r.entryPx });

describe('applyTrade', () => {
  it('opens a long and a short from flat (null or zero position)', () => {
    expect(applyTrade(null, 'B', '1.5', '100')).toEqual({ szi: '1.5', entryPx: '100', realizedPnl: '0', dir: 'Open Long', closedSz: '0' });
    expect(applyTrade({ szi: '0.0', entryPx: null }, 'A', '2', '50.5')).toEqual({
      szi: '-2',
      entryPx: '50.5',
      realizedPnl: '0',
      dir: 'Open Short',
      closedSz: '0',
    });
  });

  it('increases with a size-weighted average entry', () => {
    const r = applyTrade({ szi: '1', entryPx: '100' }, 'B', '3', '200');
    expect(r).toEqual({ szi: '4', entryPx: '175', realizedPnl: '0', dir: 'Open Long', closedSz: '0' });
    const s = applyTrade({ szi: '-2', entryPx: '10' }, 'A', '1', '13');
    expect(s).toEqual({ szi: '-3', entryPx: '11', realizedPnl: '0', dir: 'Open Short', closedSz: '0' });
  });

  it('rounds a non-terminating average entry to 20 significant digits', () => {
    const r = applyTrade({ szi: '1', entryPx: '100' }, 'B', '2', '101');
    expect(r.entryPx).toBe('100.66666666666666667');
  });

  const cases: Array<[string, PositionState, 'A' | 'B', string, string, TradeResult]> = [
    ['decreases a long: entry unchanged, realises (px - entry) * closed', { szi: '4', entryPx: '175' }, 'A', '1', '180',
      { szi: '3', entryPx: '175', realizedPnl: '5', dir: 'Close Long', closedSz: '1' }],
    ['decreases a short: realises (entry - px) * closed', { szi: '-3', entryPx: '11' }, 'B', '2', '12.5',
      { szi: '-1', entryPx: '11', realizedPnl: '-3', dir: 'Close Short', closedSz: '2' }],
    ['closes to zero with a null entry', { szi: '-1', entryPx: '11' }, 'B', '1', '10',
      { szi: '0', entryPx: null, realizedPnl: '1', dir: 'Close Short', closedSz: '1' }],
    ['flips long to short: closes the long, opens the rest at px', { szi: '2', entryPx: '100' }, 'A', '5', '90',
      { szi: '-3', entryPx: '90', realizedPnl: '-20', dir: 'Long > Short', closedSz: '2' }],
    ['flips short to long: closes the short, opens the rest at px', { szi: '-2', entryPx: '100' }, 'B', '2.5', '90',
      { szi: '0.5', entryPx: '90', realizedPnl: '20', dir: 'Short > Long', closedSz: '2' }],
  ];
  it.each(cases)('%s', (_name, pos, side, sz, px, expected) => {
    expect(applyTrade(pos, side, sz, px)).toEqual(expected);
  });

  it('is exact on float-trap values', () => {
    let pos: PositionState | null = null;
    pos = state(applyTrade(pos, 'B', '0.1', '1'));
    pos = state(applyTrade(pos, 'B', '0.2', '1'));
    expect(pos.szi).toBe('0.3');
    const r = applyTrade(pos, 'A', '0.3', '1.1');
    expect(r.szi).toBe('0');
    expect(r.dir).toBe('Close Long');
    expect(r.realizedPnl).toBe('0.03');
    // 1.1 * 3 = 3.3000000000000003 in floats
    expect(applyTrade({ szi: '3', entryPx: '1' }, 'A', '3', '2.1').realizedPnl).toBe('3.3');
  });

  it('handles very small and very large values without exponent notation', () => {
    const r = applyTrade({ szi: '0.00000001', entryPx: '0.0000001' }, 'B', '0.00000002', '0.0000004');
    expect(r.szi).toBe('0.00000003');
    expect(r.entryPx).toBe('0.0000003');
    const big = applyTrade({ szi: '123456789012.5', entryPx: '99999.5' }, 'A', '123456789012.5', '100000.5');
    expect(big).toMatchObject({ szi: '0', realizedPnl: '123456789012.5', dir: 'Close Long' });
  });

  it('runs the five-event sequence open → increase → decrease → flip → close', () => {
    const dirs: string[] = [];
    const realized: (string | null)[] = [];
    let pos: PositionState | null = null;
    const steps: [('B' | 'A'), string, string][] = [
      ['B', '1', '100'], // open long 1 @ 100
      ['B', '1', '110'], // increase to 2 @ 105
      ['A', '0.5', '120'], // decrease to 1.5, +7.5
      ['A', '2', '90'], // flip: close 1.5 (-22.5), short 0.5 @ 90
      ['B', '0.5', '80'], // close short: +5
    ];
    const sizes: string[] = [];
    const entries: (string | null)[] = [];
    for (const [side, sz, px] of steps) {
      const r = applyTrade(pos, side, sz, px);
      dirs.push(r.dir);
      realized.push(r.realizedPnl);
      sizes.push(r.szi);
      entries.push(r.entryPx);
      pos = state(r);
    }
    expect(dirs).toEqual(['Open Long', 'Open Long', 'Close Long', 'Long > Short', 'Close Short']);
    expect(sizes).toEqual(['1', '2', '1.5', '-0.5', '0']);
    expect(entries).toEqual(['100', '105', '105', '90', null]);
    expect(realized).toEqual(['0', '0', '7.5', '-22.5', '5']);
  });

  it('keeps coins independent', () => {
    const book = new Map<string, PositionState>();
    const trade = (coin: string, side: 'B' | 'A', sz: string, px: string): TradeResult => {
      const r = applyTrade(book.get(coin) ?? null, side, sz, px);
      book.set(coin, state(r));
      return r;
    };
    trade('BTC', 'B', '0.1', '98450.0');
    trade('ETH', 'A', '2', '3500');
    trade('BTC', 'B', '0.1', '98550.0');
    expect(trade('ETH', 'B', '1', '3400').realizedPnl).toBe('100');
    expect(book.get('BTC')).toEqual({ szi: '0.2', entryPx: '98500' });
    expect(book.get('ETH')).toEqual({ szi: '-1', entryPx: '3500' });
  });

  it('treats an unknown entry as unknown (no invented PnL)', () => {
    expect(applyTrade({ szi: '2', entryPx: null }, 'B', '1', '10')).toMatchObject({ szi: '3', entryPx: null, realizedPnl: '0' });
    expect(applyTrade({ szi: '2', entryPx: null }, 'A', '1', '10')).toMatchObject({ szi: '1', entryPx: null, realizedPnl: null });
    expect(applyTrade({ szi: '2', entryPx: null }, 'A', '3', '10')).toMatchObject({ szi: '-1', entryPx: '10', realizedPnl: null });
  });

  it.each([
    ['0', '1'],
    ['-1', '1'],
    ['1', '0'],
    ['abc', '1'],
    ['1', ''],
  ])('rejects sz %j px %j', (sz, px) => {
    expect(() => applyTrade(null, 'B', sz, px)).toThrow(RangeError);
  });

  it('agrees with the exchange on the direction of all 500 recorded fills', () => {
    const fills = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/info/userFills.json'), 'utf8')) as {
      side: 'B' | 'A';
      sz: string;
      px: string;
      dir: string;
      startPosition: string;
    }[];
    const mismatches = fills.filter((f) => {
      const r = applyTrade({ szi: f.startPosition, entryPx: '1' }, f.side, f.sz, f.px);
      const expected = toDecimal(f.startPosition).plus(f.side === 'B' ? f.sz : `-${f.sz}`);
      return r.dir !== f.dir || r.szi !== formatDecimal(expected);
    });
    expect(mismatches).toEqual([]);
  });

  it('handles ≥ 10,000 trades per second with a wide margin', () => {
    let pos: PositionState | null = null;
    const n = 20000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const side = i % 3 === 2 ? 'A' : 'B';
      pos = state(applyTrade(pos, side, '0.013', i % 2 ? '98450.5' : '98451.25'));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    expect(n / seconds).toBeGreaterThan(10000);
  });
});

describe('decimal helpers', () => {
  it('normalises decimal strings canonically', () => {
    expect(normaliseDecimalString('98450.0')).toBe('98450');
    expect(normaliseDecimalString('-0.0')).toBe('0');
    expect(normaliseDecimalString('1e-9')).toBe('0.000000001');
    expect(normaliseDecimalString('-1.2300')).toBe('-1.23');
  });
});
