/**
 * Position arithmetic of a one-way perp account, in integer size units (no float drift):
 * opening and adding average the entry price, reducing realizes pnl at the old entry,
 * crossing zero flips ("Long > Short" / "Short > Long") and restarts the entry at the fill price.
 */

export type FillDir =
  | 'Open Long'
  | 'Open Short'
  | 'Close Long'
  | 'Close Short'
  | 'Long > Short'
  | 'Short > Long'
  | 'Auto-Deleveraging';

export interface PositionChange {
  /** Signed size after the fill, integer units. */
  readonly szi: number;
  /** Average entry price after the fill (0 when flat). */
  readonly entryPx: number;
  /** Realized pnl in USD of the part that reduced the position (0 when only opening). */
  readonly closedPnl: number;
  readonly dir: FillDir;
  /** True when the fill started a new position (from flat or by crossing zero). */
  readonly opened: boolean;
}

/**
 * Apply a signed size `delta` (units; > 0 buys) at `px` to a position (`szi` units, `entryPx`).
 * `szScale` converts units to coins (10^szDecimals).
 */
export function applyDelta(szi: number, entryPx: number, delta: number, px: number, szScale: number): PositionChange {
  if (delta === 0) return { szi, entryPx, closedPnl: 0, dir: szi >= 0 ? 'Open Long' : 'Open Short', opened: false };
  const next = szi + delta;
  if (szi === 0 || Math.sign(szi) === Math.sign(delta)) {
    const absOld = Math.abs(szi);
    const absDelta = Math.abs(delta);
    const entry = szi === 0 ? px : (absOld * entryPx + absDelta * px) / (absOld + absDelta);
    return { szi: next, entryPx: entry, closedPnl: 0, dir: delta > 0 ? 'Open Long' : 'Open Short', opened: szi === 0 };
  }
  const closedUnits = Math.min(Math.abs(delta), Math.abs(szi));
  const closedPnl = ((px - entryPx) * closedUnits * Math.sign(szi)) / szScale;
  if (next === 0) {
    return { szi: 0, entryPx: 0, closedPnl, dir: szi > 0 ? 'Close Long' : 'Close Short', opened: false };
  }
  if (Math.sign(next) === Math.sign(szi)) {
    return { szi: next, entryPx, closedPnl, dir: szi > 0 ? 'Close Long' : 'Close Short', opened: false };
  }
  return { szi: next, entryPx: px, closedPnl, dir: szi > 0 ? 'Long > Short' : 'Short > Long', opened: true };
}

/** Unrealized pnl in USD of `szi` units entered at `entryPx`, marked at `markPx`. */
export function unrealizedPnl(szi: number, entryPx: number, markPx: number, szScale: number): number {
  return (szi * (markPx - entryPx)) / szScale;
}

/**
 * Cross-margin liquidation price of one position, holding every other position's value fixed:
 * the price P where accountValue(P) = maintenance(P), with maintenance = |notional| / (2 * maxLeverage).
 * Null when there is none (P <= 0 or no solution). `size` is the signed size in coins.
 */
export function liquidationPrice(args: {
  size: number;
  markPx: number;
  accountValue: number;
  otherMaintenance: number;
  maintenanceRate: number;
}): number | null {
  const { size, markPx, accountValue, otherMaintenance, maintenanceRate } = args;
  if (size === 0) return null;
  const denom = size - Math.abs(size) * maintenanceRate;
  if (denom === 0) return null;
  const p = (otherMaintenance - accountValue + size * markPx) / denom;
  return Number.isFinite(p) && p > 0 ? p : null;
}
