import { ENTRY_PX_SIGNIFICANT_DIGITS, formatDecimal, toDecimal } from './position-math';

/**
 * First sight: the trades of a trader the engine has no baseline for yet are kept (bounded), so
 * its first snapshot can be unwound through them to the position before them and the changes
 * replayed as `stream` events. Pure helpers and limits; the book (live-book.ts) does the keeping.
 */

export interface FirstSightLimits {
  /** Newest trades kept per trader without a baseline. */
  perTrader: number;
  /** Kept trades over all traders without a baseline; past it the oldest trader's buffer goes. */
  global: number;
  /** How long a kept trade (and a first snapshot) stays usable (ms). */
  maxAgeMs: number;
}

export const DEFAULT_FIRST_SIGHT: FirstSightLimits = { perTrader: 200, global: 200_000, maxAgeMs: 600_000 };

export type FirstSightDropReason = 'per_trader' | 'global' | 'age';

/** Why a first snapshot could not be placed among the kept trades (null: it was). */
export type UnplacedReason = 'time_unknown' | 'trades_dropped' | 'partial';

export interface HeldPosition {
  szi: string;
  entryPx: string | null;
}

/**
 * The position before a trade, from the position after it (the inverse of average-cost
 * `applyTrade`): size minus the signed trade; the entry where it can be recovered (a reduction
 * keeps it; an increase is un-averaged), else null (the trade opened, flipped or closed it).
 */
export function unwindTrade(after: HeldPosition | null, side: 'B' | 'A', sz: string, px: string): HeldPosition | null {
  const size = toDecimal(sz, 'sz');
  const next = after ? toDecimal(after.szi, 'szi') : toDecimal('0');
  const prev = side === 'B' ? next.minus(size) : next.plus(size);
  if (prev.isZero()) return null;
  const entry = after?.entryPx ? toDecimal(after.entryPx, 'entryPx') : null;
  let entryPx: string | null = null;
  if (entry !== null && !next.isZero() && prev.isNegative() === next.isNegative()) {
    if (next.abs().lt(prev.abs())) entryPx = formatDecimal(entry);
    else {
      const before = entry.times(next.abs()).minus(toDecimal(px, 'px').times(size)).div(prev.abs());
      entryPx = before.isPositive() ? formatDecimal(before.toSignificantDigits(ENTRY_PX_SIGNIFICANT_DIGITS)) : null;
    }
  }
  return { szi: formatDecimal(prev), entryPx };
}
