import Decimal from 'decimal.js';
import type { PerpFillDir, TradeSide } from '../hyperliquid/hyperliquid.types';

/**
 * Average-cost position bookkeeping for one coin, in exact decimal arithmetic. Pure; used to
 * follow a trader's position from the public trade stream between REST snapshots.
 */

/**
 * The decimal type of position logic: 40 significant digits (sums and products of exchange
 * values are exact at that precision; only the average entry price is a rounded quotient).
 */
export const PositionDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type PositionDecimal = Decimal;

/** Entry prices are quotients: rounded to this many significant digits. */
export const ENTRY_PX_SIGNIFICANT_DIGITS = 20;

export interface PositionState {
  /** Signed size; negative = short. */
  szi: string;
  /** Average entry price; null when flat or unknown. */
  entryPx: string | null;
}

export interface TradeResult {
  /** Signed size after the trade (normalised decimal string; "0" when flat). */
  szi: string;
  /** Average entry price after the trade; null when flat (or unknown, see `applyTrade`). */
  entryPx: string | null;
  /** PnL realised by the closing part; "0" when nothing closed; null when the entry was unknown. */
  realizedPnl: string | null;
  dir: PerpFillDir;
  /** Size closed by this trade (≥ 0). */
  closedSz: string;
}

/** Parses a decimal string (or throws a RangeError naming the field). */
export function toDecimal(value: string, field = 'value'): Decimal {
  try {
    return new PositionDecimal(value);
  } catch {
    throw new RangeError(`${field}: not a decimal: ${String(value).slice(0, 40)}`);
  }
}

/** Canonical plain-decimal form: no exponent, no trailing zeros, "0" for zero (never "-0"). */
export function formatDecimal(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

/** Canonical form of a decimal string ("98450.0" → "98450", "-0" → "0"). */
export function normaliseDecimalString(value: string): string {
  return formatDecimal(toDecimal(value));
}

const ZERO = new PositionDecimal(0);

/**
 * Applies one trade of `sz` at `px` to a position. `side` is what THIS trader did: `B` bought,
 * `A` sold. Average-cost rules:
 * - open / increase: entry = size-weighted average of the old entry and `px`;
 * - reduce: entry unchanged, realised = (px − entry) × closed × (+1 long / −1 short);
 * - flip: the old position is closed as above, the remainder opens at entry = `px`;
 * - to zero: entry null.
 * When the position is non-zero but its entry is unknown (`entryPx` null), realised PnL is null
 * and an increase keeps the entry unknown.
 */
export function applyTrade(pos: PositionState | null, side: TradeSide, sz: string, px: string): TradeResult {
  const size = toDecimal(sz, 'sz');
  const price = toDecimal(px, 'px');
  if (!size.isPositive() || size.isZero()) throw new RangeError(`sz must be > 0, got ${sz}`);
  if (!price.isPositive() || price.isZero()) throw new RangeError(`px must be > 0, got ${px}`);

  const prev = pos === null ? ZERO : toDecimal(pos.szi, 'szi');
  const entry = pos === null || pos.entryPx === null ? null : toDecimal(pos.entryPx, 'entryPx');
  const buying = side === 'B';
  const delta = buying ? size : size.neg();
  const next = prev.plus(delta);

  // Flat before: a plain open.
  if (prev.isZero()) {
    return { szi: formatDecimal(next), entryPx: formatDecimal(price), realizedPnl: '0', dir: buying ? 'Open Long' : 'Open Short', closedSz: '0' };
  }

  const wasLong = prev.isPositive();
  // Same direction: increase, weighted-average entry.
  if (wasLong === buying) {
    const absPrev = prev.abs();
    const newEntry =
      entry === null
        ? null
        : formatDecimal(
            entry.times(absPrev).plus(price.times(size)).div(absPrev.plus(size)).toSignificantDigits(ENTRY_PX_SIGNIFICANT_DIGITS),
          );
    return { szi: formatDecimal(next), entryPx: newEntry, realizedPnl: '0', dir: wasLong ? 'Open Long' : 'Open Short', closedSz: '0' };
  }

  // Opposite direction: close some or all, maybe flip.
  const absPrev = prev.abs();
  const closed = PositionDecimal.min(absPrev, size);
  const realized = entry === null ? null : formatDecimal(price.minus(entry).times(closed).times(wasLong ? 1 : -1));
  const closedSz = formatDecimal(closed);
  if (next.isZero()) {
    return { szi: '0', entryPx: null, realizedPnl: realized, dir: wasLong ? 'Close Long' : 'Close Short', closedSz };
  }
  if (next.isPositive() === wasLong) {
    return {
      szi: formatDecimal(next),
      entryPx: entry === null ? null : formatDecimal(entry),
      realizedPnl: realized,
      dir: wasLong ? 'Close Long' : 'Close Short',
      closedSz,
    };
  }
  return {
    szi: formatDecimal(next),
    entryPx: formatDecimal(price),
    realizedPnl: realized,
    dir: wasLong ? 'Long > Short' : 'Short > Long',
    closedSz,
  };
}
