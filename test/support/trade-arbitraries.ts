import fc from 'fast-check';
import type { WsTrade } from '../../src/hyperliquid/hyperliquid.types';
import type { TradeRules } from '../../src/hyperliquid/trade-validation';

/** fast-check generators of stream trades: valid ones (with what the parser must make of them) and poisoned ones. */

export const NOW = 1_765_000_000_000;
export const UNIVERSE: ReadonlySet<string> = new Set(['BTC', 'ETH', 'SOL', 'kPEPE']);
export const RULES: TradeRules = { universe: UNIVERSE, maxAgeMs: 7 * 86_400_000, maxFutureMs: 300_000 };

/** When the trades are checked and against what. Times keep MARGIN_MS off the window's edges (a run takes a while). */
export interface TradeContext {
  now: number;
  universe: ReadonlySet<string>;
  rules: TradeRules;
}
const DEFAULT_CONTEXT: TradeContext = { now: NOW, universe: UNIVERSE, rules: RULES };
const MARGIN_MS = 120_000;

const hex = (min: number, max = min) => fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));
const mixedCase = (s: string, flips: number[]) =>
  s.replace(/[a-f]/g, (c, i: number) => (flips.includes(i % 8) ? c.toUpperCase() : c));
const address = fc.tuple(hex(40), fc.array(fc.nat(7), { maxLength: 3 })).map(([h, flips]) => ({ raw: `0x${mixedCase(h, flips)}`, norm: `0x${h}` }));
const positiveDecimal = fc
  .tuple(fc.stringMatching(/^[1-9]\d{0,9}$|^0$/), fc.option(fc.stringMatching(/^\d{1,12}$/), { nil: undefined }))
  .filter(([int, frac]) => int !== '0' || (frac !== undefined && /[1-9]/.test(frac)))
  .map(([int, frac]) => (frac === undefined ? int : `${int}.${frac}`));

/** A trade the exchange could send, and the trade the parser must hand on. */
export function validTrade(ctx: TradeContext = DEFAULT_CONTEXT): fc.Arbitrary<{ raw: Record<string, unknown>; expected: WsTrade }> {
  const { now, rules } = ctx;
  return fc
    .record({
      coin: fc.constantFrom(...ctx.universe, '@107', '@0', 'PURR/USDC'),
      side: fc.constantFrom('A' as const, 'B' as const),
      px: positiveDecimal,
      sz: positiveDecimal,
      time: fc.integer({ min: now - rules.maxAgeMs + MARGIN_MS, max: now + rules.maxFutureMs - MARGIN_MS }),
      hash: hex(64).map((h) => `0x${h}`),
      tid: fc.maxSafeNat(),
      buyer: address,
      seller: address,
    })
    .filter((t) => t.buyer.norm !== t.seller.norm)
    .map((t) => ({
      raw: { coin: t.coin, side: t.side, px: t.px, sz: t.sz, time: t.time, hash: t.hash, tid: t.tid, users: [t.buyer.raw, t.seller.raw] },
      expected: { coin: t.coin, side: t.side, px: t.px, sz: t.sz, hash: t.hash, time: t.time, tid: t.tid, buyer: t.buyer.norm, seller: t.seller.norm },
    }));
}

/** Values of one field that make a trade unstorable. */
const poisons = ({ now, rules }: TradeContext): Record<string, fc.Arbitrary<unknown>> => ({
  coin: fc.oneof(
    fc.constantFrom('', 'A'.repeat(33), 'BTC\u0000', '<img src=x onerror=alert(1)>', 'DOGE', '@', '@abc', 'A/B/C', 'btc', null, 7),
    fc.string({ minLength: 33, maxLength: 60 }),
  ),
  side: fc.constantFrom('S', 'b', 'a', '', null, 1, ['B']),
  px: fc.constantFrom('1e400', '1e308', '1e15', '0', '0.0', '-1', '-0.5', 'NaN', 'Infinity', '', 'abc', null, '1'.repeat(16), '1e-30', '0.0000000000000000001', '1.2.3', ' 1', '0x10', -3, 0, '1e1000000000'),
  sz: fc.constantFrom('0', '-0.1', '1e400', '', null, 'x', -1, 0, '9'.repeat(20)),
  time: fc.oneof(
    fc.constantFrom(9_000_000_000_000_000, -1000, 0, 1.5, '1751430933565', null, now + rules.maxFutureMs + MARGIN_MS, now - rules.maxAgeMs - MARGIN_MS),
    fc.integer({ min: -8.64e15, max: now - rules.maxAgeMs - MARGIN_MS }),
    fc.integer({ min: now + rules.maxFutureMs + MARGIN_MS, max: Number.MAX_SAFE_INTEGER }),
  ),
  hash: fc.oneof(
    fc.constantFrom('0xabc', '', null, 123, `0x${'a'.repeat(65)}`, `0x${'g'.repeat(64)}`, `0x${'a'.repeat(63)}\u0000`, 'a'.repeat(66)),
    hex(65, 80).map((h) => `0x${h}`),
  ),
  tid: fc.constantFrom(-1, 2 ** 60, 1.5, '5', null, Number.MAX_SAFE_INTEGER + 2),
  users: fc.oneof(
    fc.constantFrom([], null, 'ab', ['0x123', `0x${'b'.repeat(40)}`], [`0x${'c'.repeat(40)}`]),
    address.map((a) => [a.raw, a.norm.toUpperCase().replace('0X', '0x')]), // buyer = seller
    fc.tuple(address, address, address).map(([a, b, c]) => [a.raw, b.raw, c.raw]),
  ),
});

/** A valid trade with one field poisoned or missing, or not a trade at all. */
export function poisonedTrade(ctx: TradeContext = DEFAULT_CONTEXT): fc.Arbitrary<unknown> {
  const poison = poisons(ctx);
  const field = fc.constantFrom(...Object.keys(poison));
  const oneBad = fc
    .tuple(validTrade(ctx), field, fc.boolean())
    .chain(([v, name, drop]) =>
      drop ? fc.constant(Object.fromEntries(Object.entries(v.raw).filter(([k]) => k !== name))) : poison[name].map((bad) => ({ ...v.raw, [name]: bad })),
    );
  return fc.oneof({ weight: 9, arbitrary: oneBad }, { weight: 1, arbitrary: fc.constantFrom(null, 5, 'trade', [], [1, 2], true) });
}
