import { formatPx, formatSz, roundPx } from './coins';
import { bookTop, LEVEL_NOTIONAL_USD, OrderEngine, type WireOrder } from './exchange-orders';
import { Market } from './market';
import type { TradeRecord } from './state';

const clock = () => 1_700_000_000_000;

describe('OrderEngine (synthetic depth)', () => {
  const setup = () => {
    const m = new Market({ seed: 3, traders: 5, coins: ['ETH'], clock });
    const user = m.ensureTrader('0x' + 'c'.repeat(40));
    user.cashMicro = 50_000_000 * 1e6; // room for big orders
    user.leverage[0] = 20;
    const published: TradeRecord[][] = [];
    m.onTrades = (_c, ts) => published.push([...ts]);
    return { m, user, published, engine: new OrderEngine(m, { limit: undefined }) };
  };
  const buy = (p: string, s: string, tif: 'Ioc' | 'Gtc' | 'Alo' = 'Ioc', c?: string): WireOrder => ({ a: 0, b: true, p, s, r: false, t: { limit: { tif } }, c });

  it('sweeps levels one step apart, one public trade per level under one hash, avgPx weighted', () => {
    const { m, user, published, engine } = setup();
    const spec = m.coins[0];
    const top = bookTop(spec, m.markInts[0]);
    const perLevel = Math.floor((LEVEL_NOTIONAL_USD * 1e6) / top.ask); // units
    const units = perLevel + Math.floor(perLevel / 2);
    const limit = formatPx(spec, top.ask + 5 * top.step).replace(/\.0$/, '');
    const r = engine.place(user, buy(limit, String(units / spec.szScale)));
    expect('filled' in r).toBe(true);
    expect(published).toHaveLength(1);
    const [trades] = published;
    expect(trades.map((t) => t.pxInt)).toEqual([top.ask, top.ask + top.step]);
    expect(new Set(trades.map((t) => t.hashId)).size).toBe(1);
    expect(trades.every((t) => t.buyer === user.address && t.seller === m.hlp.address && t.side === 'B')).toBe(true);
    const avg = (trades[0].pxInt * trades[0].szUnits + trades[1].pxInt * trades[1].szUnits) / units / spec.pxScale;
    if ('filled' in r) expect(Number(r.filled.avgPx)).toBeCloseTo(avg, 4);
    expect(user.positions[0]?.szi).toBe(units);
  });

  it('stops at the limit: an IOC fills what its limit reaches; a Gtc rests the rest', () => {
    const { m, user, engine } = setup();
    const spec = m.coins[0];
    const top = bookTop(spec, m.markInts[0]);
    const perLevel = Math.floor((LEVEL_NOTIONAL_USD * 1e6) / top.ask);
    const atAsk = formatPx(spec, top.ask).replace(/\.0$/, '');
    const ioc = engine.place(user, buy(atAsk, String((3 * perLevel) / spec.szScale)));
    expect(ioc).toEqual({ filled: expect.objectContaining({ totalSz: formatSz(spec, perLevel) }) });
    const gtc = engine.place(user, buy(atAsk, String((2 * perLevel) / spec.szScale), 'Gtc', '0x' + '1'.repeat(32)));
    expect('filled' in gtc).toBe(true);
    const open = [...m.exchange.open];
    expect(open).toHaveLength(1);
    expect(open[0].remainingUnits).toBe(perLevel);
  });

  it('honours the depth knob for a number of orders', () => {
    const { m, user, engine } = setup();
    const knob = { limit: { coin: 0, sz: 0.5, remaining: 1 } };
    const limited = new OrderEngine(m, knob);
    const px = formatPx(m.coins[0], roundPx(m.coins[0], m.marks[0] * 1.01)).replace(/\.0$/, '');
    expect(limited.place(user, buy(px, '2'))).toEqual({ filled: expect.objectContaining({ totalSz: '0.5' }) });
    expect(knob.limit).toBeUndefined();
    expect(engine.place(user, buy(px, '2'))).toEqual({ filled: expect.objectContaining({ totalSz: '2.0' }) });
  });
});
