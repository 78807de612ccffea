import Decimal from 'decimal.js';
import type { DecimalString, TradeRejection, TradeRejectionReason, WsTrade } from './hyperliquid.types';
import { isObject } from './parse-primitives';

/**
 * What makes a public trade storable. Checked at the boundary, before anything downstream
 * (ledger, live engine, leaderboard) sees it: one bad trade is rejected and counted, the rest of
 * its frame is kept.
 */

export interface TradeRules {
  /**
   * The perps the exchange lists (`meta`), or null while unknown (then any well-formed perp name
   * passes). Spot names (`@107`, `PURR/USDC`) are checked by their own format.
   */
  universe: ReadonlySet<string> | null;
  /** Oldest accepted trade time, relative to now (replays after a subscribe can be old on quiet coins). */
  maxAgeMs: number;
  /** Newest accepted trade time, relative to now (clock skew). */
  maxFutureMs: number;
}

export const DEFAULT_TRADE_RULES: TradeRules = { universe: null, maxAgeMs: 7 * 86_400_000, maxFutureMs: 300_000 };

/**
 * Column ranges: `fills.coin varchar(32)`, `hash varchar(66)`; px and sz are `numeric` but the
 * leaderboard does arithmetic in double precision, so they are bounded far inside that.
 */
const MAX_COIN_CHARS = 32;
const MAX_INT_DIGITS = 15;
const MAX_FRACTION_DIGITS = 18;
/** Longer decimal text is never a real price or size (and an exponent form could expand to gigabytes). */
const MAX_DECIMAL_CHARS = 40;
const SAMPLE_CHARS = 300;

const PERP_NAME = /^(?:[a-z0-9]{1,16}:)?[A-Za-z0-9]{1,24}$/;
const SPOT_INDEX = /^@\d{1,6}$/;
const SPOT_PAIR = /^[A-Za-z0-9]{1,12}\/[A-Za-z0-9]{1,12}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const POSITIVE_PLAIN = /^(\d+)(?:\.(\d+))?$/;
const POSITIVE_LOOSE = /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?(\d+))?$/;

/** True when `coin` is a name the exchange could send on a `trades` channel right now. */
export function isKnownCoin(coin: string, universe: ReadonlySet<string> | null): boolean {
  if (coin.length === 0 || coin.length > MAX_COIN_CHARS) return false;
  if (coin.charCodeAt(0) === 64 /* @ */) return SPOT_INDEX.test(coin);
  if (coin.includes('/')) return SPOT_PAIR.test(coin);
  return universe === null ? PERP_NAME.test(coin) : universe.has(coin);
}

/** A positive decimal within the columns' range, in plain notation; null otherwise. */
export function boundedPositiveDecimal(value: unknown): DecimalString | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return null;
  if (text.length === 0 || text.length > MAX_DECIMAL_CHARS) return null;
  let plain = POSITIVE_PLAIN.exec(text);
  if (plain === null) {
    const loose = POSITIVE_LOOSE.exec(text);
    if (loose === null || (loose[1] !== undefined && loose[1].length > 3)) return null;
    text = new Decimal(text).toFixed();
    plain = POSITIVE_PLAIN.exec(text);
    if (plain === null) return null;
  }
  const int = plain[1].replace(/^0+(?=\d)/, '');
  const fraction = plain[2] ?? '';
  if (int.length > MAX_INT_DIGITS || fraction.length > MAX_FRACTION_DIGITS) return null;
  if (int === '0' && !/[1-9]/.test(fraction)) return null; // zero
  return text;
}

/**
 * One element of a `trades` frame, checked against `rules` at `now` (ms). Returns the trade with
 * addresses lower-cased and decimals in plain notation, or why it was rejected.
 */
export function checkWsTrade(raw: unknown, rules: TradeRules, now: number): WsTrade | TradeRejection {
  if (!isObject(raw)) return reject(raw, 'shape');
  const { coin, side, hash, time, tid, users } = raw;
  if (typeof coin !== 'string' || !isKnownCoin(coin, rules.universe)) return reject(raw, 'coin');
  if (side !== 'B' && side !== 'A') return reject(raw, 'side');
  if (typeof hash !== 'string' || !HASH.test(hash)) return reject(raw, 'hash');
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < now - rules.maxAgeMs || time > now + rules.maxFutureMs) {
    return reject(raw, 'time');
  }
  if (typeof tid !== 'number' || !Number.isSafeInteger(tid) || tid < 0) return reject(raw, 'tid');
  if (!Array.isArray(users) || users.length !== 2) return reject(raw, 'users');
  const [b, s] = users as unknown[];
  if (typeof b !== 'string' || typeof s !== 'string' || !ADDRESS.test(b) || !ADDRESS.test(s)) return reject(raw, 'users');
  const buyer = b.toLowerCase();
  const seller = s.toLowerCase();
  if (buyer === seller) return reject(raw, 'self_trade');
  const px = boundedPositiveDecimal(raw.px);
  if (px === null) return reject(raw, 'px');
  const sz = boundedPositiveDecimal(raw.sz);
  if (sz === null) return reject(raw, 'sz');
  return { coin, side, px, sz, hash, time, tid, buyer, seller };
}

export function isRejection(value: WsTrade | TradeRejection): value is TradeRejection {
  return 'reason' in value;
}

function reject(raw: unknown, reason: TradeRejectionReason): TradeRejection {
  return { reason, sample: sampleOf(raw) };
}

function sampleOf(raw: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(raw) ?? String(raw);
  } catch {
    json = String(raw);
  }
  return json.length > SAMPLE_CHARS ? `${json.slice(0, SAMPLE_CHARS)}…` : json;
}

const PRINTABLE = /^[\x21-\x7e]+$/;
/** JS Dates end at ±8.64e15 ms; Postgres timestamptz a little later (so a stored time could not be read back). */
const MAX_DATE_MS = 8.64e15;

/**
 * For consumers of already-parsed trades (the live engine reads them back from Redis): whether
 * `t` fits the ledger's columns whatever policy let it in. Cheaper than checkWsTrade and without
 * its time window or universe (defence in depth: one such trade must not fail a whole batch).
 */
export function fitsLedger(t: WsTrade): boolean {
  return (
    t.coin.length > 0 &&
    t.coin.length <= MAX_COIN_CHARS &&
    PRINTABLE.test(t.coin) &&
    HASH.test(t.hash) &&
    ADDRESS.test(t.buyer) &&
    ADDRESS.test(t.seller) &&
    Number.isSafeInteger(t.tid) &&
    t.tid >= 0 &&
    Number.isSafeInteger(t.time) &&
    Math.abs(t.time) < MAX_DATE_MS &&
    boundedPositiveDecimal(t.px) !== null &&
    boundedPositiveDecimal(t.sz) !== null
  );
}
