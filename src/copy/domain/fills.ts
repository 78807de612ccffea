/** Position bookkeeping of a follower (average cost) and paper fills. Pure. */

export interface HeldPosition {
  /** Signed size. */
  size: number;
  /** Average entry; 0 when flat. */
  entryPx: number;
}

export interface FillOutcome extends HeldPosition {
  /** PnL realised by the closing part of the fill (before fees). */
  realizedPnl: number;
}

/** Tolerance under which a size counts as flat (float residue of sums of decimal sizes). */
const FLAT = 1e-12;

/** Applies a signed fill (`qty` > 0 bought) at `px` to a position. */
export function applyFill(pos: HeldPosition, qty: number, px: number): FillOutcome {
  const next = pos.size + qty;
  if (pos.size === 0 || Math.sign(qty) === Math.sign(pos.size)) {
    const size = Math.abs(next) < FLAT ? 0 : next;
    const entryPx = size === 0 ? 0 : (pos.size * pos.entryPx + qty * px) / next;
    return { size, entryPx, realizedPnl: 0 };
  }
  const closed = Math.min(Math.abs(qty), Math.abs(pos.size));
  const realizedPnl = (px - pos.entryPx) * closed * Math.sign(pos.size);
  if (Math.abs(next) < FLAT) return { size: 0, entryPx: 0, realizedPnl };
  // Flipped: the remainder opens at the fill price; a reduction keeps the entry.
  const flipped = Math.sign(next) !== Math.sign(pos.size);
  return { size: next, entryPx: flipped ? px : pos.entryPx, realizedPnl };
}

export interface PaperFill {
  price: number;
  fee: number;
}

/** A paper fill: the latest stream price worsened by the slippage, charged the taker fee. */
export function paperFill(latestPx: number, isBuy: boolean, size: number, slippageBps: number, feeBps: number): PaperFill {
  const price = isBuy ? latestPx * (1 + slippageBps / 10_000) : latestPx * (1 - slippageBps / 10_000);
  return { price, fee: (Math.abs(size) * price * feeBps) / 10_000 };
}

export function unrealizedPnl(pos: HeldPosition, markPx: number): number {
  return pos.size === 0 ? 0 : (markPx - pos.entryPx) * pos.size;
}

/**
 * Splits a fill of one coin among the follows that wanted it: each follow's share is its gap
 * (wanted − held) in the fill's direction; what no follow wanted goes to the first one.
 */
export function allocateFill(qty: number, gaps: Array<{ followId: string; gap: number }>): Record<string, number> {
  const same = gaps.filter((g) => Math.sign(g.gap) === Math.sign(qty) && g.gap !== 0);
  const total = same.reduce((s, g) => s + Math.abs(g.gap), 0);
  const out: Record<string, number> = {};
  if (same.length === 0 || total === 0) {
    if (gaps.length > 0) out[gaps[0].followId] = qty;
    return out;
  }
  const covered = Math.min(Math.abs(qty), total);
  for (const g of same) out[g.followId] = Math.sign(qty) * covered * (Math.abs(g.gap) / total);
  const rest = qty - Math.sign(qty) * covered;
  if (rest !== 0) out[same[0].followId] += rest;
  return out;
}
