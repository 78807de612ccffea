import Decimal from 'decimal.js';
import fc from 'fast-check';
import type { WsTrade } from './hyperliquid.types';
import { boundedPositiveDecimal, checkWsTrade, fitsLedger, isKnownCoin, isRejection, TradeRules } from './trade-validation';
import { parseWsFrame } from './ws-frame-parser';
import { NOW, poisonedTrade, RULES, UNIVERSE, validTrade } from '../../test/support/trade-arbitraries';

const BUYER = '0xcc0a3b6e3267c84361e91d8230868eea53431e4b';
const SELLER = '0xc64cc00b46101bd40aa1c3121195e85c0b0918d8';
const HASH = '0xde93a8a0729ade63d8840417805ba9010b008818422ddedb1285744426b73503';
const trade = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  coin: 'BTC',
  side: 'A',
  px: '106296.0',
  sz: '0.00017',
  time: NOW - 500,
  hash: HASH,
  tid: 293353986402527,
  users: [BUYER, SELLER],
  ...over,
});
const reasonOf = (raw: unknown, rules: TradeRules = RULES): string | null => {
  const r = checkWsTrade(raw, rules, NOW);
  return isRejection(r) ? r.reason : null;
};

describe('checkWsTrade: the poisons of issue 16', () => {
  it('accepts a normal trade', () => {
    expect(reasonOf(trade())).toBeNull();
  });

  it.each([
    ['a time in year 287168', { time: 9000000000000000 }, 'time'],
    ['a 1969 time', { time: -1000 }, 'time'],
    ['a time before the window', { time: NOW - RULES.maxAgeMs - 1 }, 'time'],
    ['a time past the window', { time: NOW + RULES.maxFutureMs + 1 }, 'time'],
    ['a 33-character coin', { coin: 'A'.repeat(33) }, 'coin'],
    ['a coin with a NUL byte', { coin: 'BTC\u0000' }, 'coin'],
    ['an HTML coin', { coin: '<img src=x onerror=alert(1)>' }, 'coin'],
    ['a coin not in meta', { coin: 'DOGE' }, 'coin'],
    ['a malformed spot index', { coin: '@1x' }, 'coin'],
    ['a 67-character hash', { hash: HASH + 'a' }, 'hash'],
    ['a short hash', { hash: '0xabc' }, 'hash'],
    ['a hash with a NUL byte', { hash: HASH.slice(0, 65) + '\u0000' }, 'hash'],
    ['px 1e400', { px: '1e400' }, 'px'],
    ['px 1e308', { px: '1e308' }, 'px'],
    ['a negative px', { px: '-5' }, 'px'],
    ['a zero px', { px: '0.0' }, 'px'],
    ['px as a huge exponent (would expand to gigabytes)', { px: '1e1000000000' }, 'px'],
    ['px with 19 decimals', { px: '0.0000000000000000001' }, 'px'],
    ['a zero size', { sz: '0' }, 'sz'],
    ['a negative size', { sz: '-0.1' }, 'sz'],
    ['buyer = seller', { users: [BUYER, BUYER.toUpperCase().replace('0X', '0x')] }, 'self_trade'],
    ['a bad address', { users: ['0x123', SELLER] }, 'users'],
    ['three users', { users: [BUYER, SELLER, BUYER] }, 'users'],
    ['an unsafe tid', { tid: 2 ** 60 }, 'tid'],
    ['a negative tid', { tid: -1 }, 'tid'],
    ['a string tid', { tid: '5' }, 'tid'],
  ])('rejects %s', (_name, over, reason) => {
    expect(reasonOf(trade(over))).toBe(reason);
  });

  it('keeps spot names in their own formats and HIP-3 names only when listed', () => {
    for (const coin of ['@107', '@0', 'PURR/USDC']) expect(reasonOf(trade({ coin }))).toBeNull();
    expect(isKnownCoin('xyz:TSLA', UNIVERSE)).toBe(false);
    expect(isKnownCoin('xyz:TSLA', new Set(['xyz:TSLA']))).toBe(true);
    expect(isKnownCoin('xyz:TSLA', null)).toBe(true);
    expect(isKnownCoin('<b>', null)).toBe(false);
  });

  it('samples the raw trade for the log, cut short and with control characters escaped', () => {
    const r = checkWsTrade(trade({ coin: 'X\u0000'.repeat(500) }), RULES, NOW);
    expect(isRejection(r) && r.sample.length).toBeLessThanOrEqual(301);
    expect(isRejection(r) && r.sample.includes('\u0000')).toBe(false);
  });
});

describe('fitsLedger', () => {
  const parsed = checkWsTrade(trade(), RULES, NOW) as WsTrade;

  it('accepts what the boundary accepts, outside its window too', () => {
    expect(fitsLedger(parsed)).toBe(true);
    expect(fitsLedger({ ...parsed, time: NOW - 365 * 86_400_000 })).toBe(true);
  });

  it.each<[string, Partial<WsTrade>]>([
    ['a 33-character coin', { coin: 'A'.repeat(33) }],
    ['a NUL in the coin', { coin: 'BTC\u0000' }],
    ['a 67-character hash', { hash: HASH + 'a' }],
    ['px 1e400 (as a plain string)', { px: '1' + '0'.repeat(400) }],
    ['a zero size', { sz: '0' }],
    ['a time past what a Date holds', { time: 9_000_000_000_000_000 }],
    ['a bad address', { buyer: '0x12' }],
  ])('refuses %s', (_name, over) => {
    expect(fitsLedger({ ...parsed, ...over })).toBe(false);
  });
});

describe('boundedPositiveDecimal', () => {
  it.each([
    ['106296.0', '106296.0'],
    ['0.00017', '0.00017'],
    [2501, '2501'],
    [0.5, '0.5'],
    ['1e3', '1000'],
    ['+.5', '0.5'],
    ['999999999999999', '999999999999999'],
  ])('%j → %j', (input, out) => expect(boundedPositiveDecimal(input)).toBe(out));

  it.each([['1e15'], ['1000000000000000'], ['0'], ['-1'], ['1e-19'], [''], ['abc'], [NaN], [Infinity], [null], ['1e9999']])('rejects %j', (input) => {
    expect(boundedPositiveDecimal(input)).toBeNull();
  });
});

/** An oracle written apart from the validator: what a stored trade must satisfy. */
function storable(t: WsTrade): boolean {
  const inRange = (d: string) => {
    const x = new Decimal(d);
    return x.gt(0) && x.lt(1e15) && x.decimalPlaces() <= 18 && Number.isFinite(x.toNumber());
  };
  return (
    (UNIVERSE.has(t.coin) || /^@\d+$/.test(t.coin) || /^[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(t.coin)) &&
    t.coin.length <= 32 &&
    inRange(t.px) &&
    inRange(t.sz) &&
    /^0x[0-9a-fA-F]{64}$/.test(t.hash) &&
    /^0x[0-9a-f]{40}$/.test(t.buyer) &&
    /^0x[0-9a-f]{40}$/.test(t.seller) &&
    t.buyer !== t.seller &&
    Number.isSafeInteger(t.tid) &&
    t.tid >= 0 &&
    Number.isSafeInteger(t.time) &&
    t.time >= NOW - RULES.maxAgeMs &&
    t.time <= NOW + RULES.maxFutureMs &&
    !Number.isNaN(new Date(t.time).getTime())
  );
}

describe('parseWsFrame (property-based): thousands of poisoned trades and frames', () => {
  it('keeps every valid trade of a frame, exactly, and rejects every poisoned one', () => {
    const element = fc.oneof(
      validTrade().map((v) => ({ raw: v.raw, expected: v.expected as WsTrade | null })),
      poisonedTrade().map((raw) => ({ raw, expected: null as WsTrade | null })),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 30 }), (elements) => {
        const frame = parseWsFrame(JSON.stringify({ channel: 'trades', data: elements.map((e) => e.raw) }), RULES, NOW);
        expect(frame.kind).toBe('trades');
        if (frame.kind !== 'trades') return;
        expect(frame.trades).toEqual(elements.flatMap((e) => (e.expected ? [e.expected] : [])));
        expect(frame.invalid).toBe(elements.filter((e) => !e.expected).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary frames, and whatever it keeps is storable', () => {
    const anyTrade = fc.oneof(
      fc.anything(),
      fc.record({
        coin: fc.oneof(fc.constantFrom(...UNIVERSE), fc.string()),
        side: fc.oneof(fc.constantFrom('A', 'B'), fc.string()),
        px: fc.oneof(fc.string(), fc.double(), fc.stringMatching(/^-?\d{1,20}(\.\d{1,25})?(e[+-]?\d{1,4})?$/)),
        sz: fc.oneof(fc.string(), fc.double(), fc.stringMatching(/^-?\d{1,20}(\.\d{1,25})?$/)),
        time: fc.oneof(fc.integer({ min: NOW - 2 * RULES.maxAgeMs, max: NOW + 2 * RULES.maxFutureMs }), fc.double()),
        hash: fc.oneof(fc.stringMatching(/^0x[0-9a-fA-F]{60,68}$/), fc.string()),
        tid: fc.oneof(fc.nat(), fc.double(), fc.bigInt().map(String)),
        users: fc.array(fc.oneof(fc.stringMatching(/^0x[0-9a-fA-F]{38,42}$/), fc.constant(BUYER)), { maxLength: 3 }),
      }),
    );
    const rawFrame = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(anyTrade, { maxLength: 20 }).map((data) => JSON.stringify({ channel: 'trades', data })),
      fc.anything().map((data) => JSON.stringify({ channel: 'trades', data }) ?? ''),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(rawFrame, (raw) => {
        const frame = parseWsFrame(raw, RULES, NOW);
        if (frame.kind !== 'trades') return;
        for (const t of frame.trades) expect(storable(t)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
