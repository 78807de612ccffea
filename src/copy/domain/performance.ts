/** Performance figures of a follower from its journal. Pure. */

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function distribution(values: Array<number | null>): { count: number; p50: number | null; p95: number | null; p99: number | null } {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const r = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return { count: v.length, p50: r(percentile(v, 50)), p95: r(percentile(v, 95)), p99: r(percentile(v, 99)) };
}

export interface FilledOrder {
  isBuy: boolean;
  filledSize: number;
  avgPrice: number;
  leaderPrice: number | null;
  fee: number;
}

/**
 * Slippage paid against the leader's fill price (USD, positive = paid): buying above it or
 * selling below it. Also in bps of the traded notional.
 */
export function slippageVsLeader(orders: FilledOrder[]): { usd: number; bps: number | null; orders: number } {
  let usd = 0;
  let notional = 0;
  let n = 0;
  for (const o of orders) {
    if (o.leaderPrice === null || o.filledSize <= 0) continue;
    usd += (o.isBuy ? o.avgPrice - o.leaderPrice : o.leaderPrice - o.avgPrice) * o.filledSize;
    notional += o.leaderPrice * o.filledSize;
    n++;
  }
  return { usd, bps: notional > 0 ? (usd / notional) * 10_000 : null, orders: n };
}

/**
 * Tracking error: the follower's PnL minus the PnL its leaders' scaled positions made, i.e. what
 * copying cost (slippage, fees) plus the size gap now held (|desired − actual| × mark, as a
 * share of equity).
 */
export function trackingError(
  followerPnlUsd: number,
  slippageUsd: number,
  feesUsd: number,
  gaps: Array<{ desired: number; actual: number; mark: number }>,
  equityUsd: number,
): { pnl_usd: number; leaders_scaled_pnl_usd: number; tracking_error_usd: number; size_gap_usd: number; size_gap_pct: number | null } {
  const leadersScaled = followerPnlUsd + slippageUsd + feesUsd;
  const gap = gaps.reduce((s, g) => s + Math.abs(g.desired - g.actual) * g.mark, 0);
  return {
    pnl_usd: followerPnlUsd,
    leaders_scaled_pnl_usd: leadersScaled,
    tracking_error_usd: followerPnlUsd - leadersScaled,
    size_gap_usd: gap,
    size_gap_pct: equityUsd > 0 ? (gap / equityUsd) * 100 : null,
  };
}
