/**
 * copy_score: how much a follower would trust copying a trader over a window. The reference for
 * the SQL in leaderboard-compute.repository.ts (which computes the same thing set-based) and for
 * tests; the README and Swagger document it.
 *
 *   g = ln(1 + roi)                                   log growth of the account over the window
 *   g ≤ 0 (a loss or nothing):  copy_score = g        (≤ 0: every loser ranks below every winner)
 *   g > 0:  copy_score = g / max(max_drawdown, 0.05)  return per unit of drawdown (a Calmar ratio)
 *                        × history × activity × copyable           (each factor in (0, 1])
 *     history  = min(1, account_age_days / 14) × min(1, trades_count / 20)     minimum history
 *     activity = 0.5 ^ (max(0, days_since_last_trade − 3) / 7)        halves every 7 idle days
 *     copyable = hold × size
 *       hold = h / (h + 10 × 5 s)          h = average holding time (s): the copy latency (~5 s)
 *                                          eats a scalper's edge, not a swing trader's
 *       size = min(1, √(1,000,000 / p))    p = average position notional (USD): positions far
 *                                          above what the book absorbs fill a follower worse
 *   null when roi or max_drawdown is unknown (no account history for the window).
 * A missing holding time or position size counts as 1 (nothing to discount).
 */

export const COPY_SCORE = {
  DRAWDOWN_FLOOR: 0.05,
  MIN_HISTORY_DAYS: 14,
  MIN_TRADES: 20,
  GRACE_DAYS: 3,
  HALF_LIFE_DAYS: 7,
  COPY_LATENCY_SECONDS: 5,
  LATENCY_MULTIPLE: 10,
  SIZE_REFERENCE_USD: 1_000_000,
} as const;

export interface CopyScoreInputs {
  roi: number | null;
  maxDrawdown: number | null;
  accountAgeDays: number;
  tradesCount: number;
  daysSinceLastTrade: number | null;
  avgHoldingSeconds: number | null;
  avgPositionUsd: number | null;
}

export function copyScore(i: CopyScoreInputs): number | null {
  if (i.roi === null || i.maxDrawdown === null || !Number.isFinite(i.roi)) return null;
  const g = Math.log(Math.max(1 + i.roi, 1e-9));
  if (g <= 0) return g;
  const c = COPY_SCORE;
  const history = Math.min(1, i.accountAgeDays / c.MIN_HISTORY_DAYS) * Math.min(1, i.tradesCount / c.MIN_TRADES);
  const idle = i.daysSinceLastTrade === null ? 0 : Math.max(0, i.daysSinceLastTrade - c.GRACE_DAYS);
  const activity = Math.pow(0.5, idle / c.HALF_LIFE_DAYS);
  const h = i.avgHoldingSeconds;
  const hold = h === null ? 1 : h / (h + c.LATENCY_MULTIPLE * c.COPY_LATENCY_SECONDS);
  const p = i.avgPositionUsd;
  const size = p === null || p <= 0 ? 1 : Math.min(1, Math.sqrt(c.SIZE_REFERENCE_USD / p));
  return (g / Math.max(i.maxDrawdown, c.DRAWDOWN_FLOOR)) * history * activity * hold * size;
}
