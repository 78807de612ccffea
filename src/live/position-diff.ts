import type { Decimal } from 'decimal.js';
import { formatDecimal, toDecimal } from './position-math';

/**
 * Position changes between two views of one trader's positions (two snapshots, or a snapshot and
 * the stream's running state). Pure; sizes compared exactly as decimals.
 */

export interface PositionLike {
  coin: string;
  /** Signed size; negative = short. Zero means no position. */
  szi: string;
  entryPx?: string | null;
}

export type PositionEventType =
  | 'position_opened'
  | 'position_closed'
  | 'position_increased'
  | 'position_decreased'
  | 'position_flipped';

export type PositionSide = 'long' | 'short';

export interface PositionChange {
  coin: string;
  event_type: PositionEventType;
  /** Signed size before (canonical decimal; "0" when there was none). */
  previous_size: string;
  /** Signed size after (canonical decimal; "0" when closed). */
  current_size: string;
  /** current_size − previous_size, signed. */
  size_change: string;
  /** Side of the resulting position; for `position_closed`, the side that was closed. */
  side: PositionSide;
  /** Entry price of the resulting position; for `position_closed`, of the closed one. */
  entry_price: string | null;
  /** Only when `opts.markPrices` has the coin. */
  mark_price?: string;
}

export interface DiffOptions {
  /** coin → mark (or mid) price, copied into each change of that coin. */
  markPrices?: Readonly<Record<string, string>>;
}

interface Held {
  szi: Decimal;
  raw: string;
  entryPx: string | null;
}

/** Non-zero positions by coin; on a duplicated coin the last entry wins. */
function index(positions: readonly PositionLike[]): Map<string, Held> {
  const map = new Map<string, Held>();
  for (const p of positions) {
    const szi = toDecimal(p.szi, `szi of ${p.coin}`);
    if (szi.isZero()) map.delete(p.coin);
    else map.set(p.coin, { szi, raw: p.szi, entryPx: p.entryPx ?? null });
  }
  return map;
}

const ZERO = toDecimal('0');

const sideOf = (szi: Decimal): PositionSide => (szi.isNegative() ? 'short' : 'long');

function entry(value: string | null): string | null {
  return value === null ? null : formatDecimal(toDecimal(value, 'entryPx'));
}

/**
 * Changes from `prev` to `next`, ordered by coin (code-point order). Positions absent or of size
 * zero count as flat. A size unchanged (as a decimal: "1.0" = "1") gives no change, even if the
 * entry price moved. A sign change is `position_flipped`.
 */
export function diffPositions(
  prev: readonly PositionLike[],
  next: readonly PositionLike[],
  opts: DiffOptions = {},
): PositionChange[] {
  const before = index(prev);
  const after = index(next);
  const coins = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const changes: PositionChange[] = [];
  for (const coin of coins) {
    const b = before.get(coin);
    const a = after.get(coin);
    if (b !== undefined && a !== undefined && (b.raw === a.raw || b.szi.eq(a.szi))) continue;
    const prevSzi = b?.szi;
    const nextSzi = a?.szi;
    let eventType: PositionEventType;
    let side: PositionSide;
    let entryPx: string | null;
    if (prevSzi === undefined) {
      eventType = 'position_opened';
      side = sideOf(nextSzi!);
      entryPx = a!.entryPx;
    } else if (nextSzi === undefined) {
      eventType = 'position_closed';
      side = sideOf(prevSzi);
      entryPx = b!.entryPx;
    } else if (prevSzi.isNegative() !== nextSzi.isNegative()) {
      eventType = 'position_flipped';
      side = sideOf(nextSzi);
      entryPx = a!.entryPx;
    } else {
      eventType = nextSzi.abs().gt(prevSzi.abs()) ? 'position_increased' : 'position_decreased';
      side = sideOf(nextSzi);
      entryPx = a!.entryPx;
    }
    const previous = prevSzi === undefined ? '0' : formatDecimal(prevSzi);
    const current = nextSzi === undefined ? '0' : formatDecimal(nextSzi);
    const change: PositionChange = {
      coin,
      event_type: eventType,
      previous_size: previous,
      current_size: current,
      size_change: formatDecimal((nextSzi ?? ZERO).minus(prevSzi ?? ZERO)),
      side,
      entry_price: entry(entryPx),
    };
    const marks = opts.markPrices;
    if (marks !== undefined && Object.hasOwn(marks, coin)) change.mark_price = marks[coin];
    changes.push(change);
  }
  return changes;
}
