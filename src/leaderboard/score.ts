import type { LeaderboardWeights } from '../config/app-config';

/**
 * The trader score, as plain functions: the reference for the SQL in
 * leaderboard-compute.repository.ts (which computes the same thing set-based) and for tests.
 *
 * For each of the five scored metrics, over the window's eligible traders with a value:
 *   lo = p5, hi = p95 (percentile_cont: linear interpolation between closest ranks)
 *   norm(x) = (clamp(x, lo, hi) − lo) / (hi − lo)           when hi > lo
 *           = 1 if x > hi, 0 if x < lo, 0.5 if x = lo = hi   when hi = lo (no spread)
 *           = null                                           when x or the bounds are unknown
 * Drawdown and risk are inverted (1 − norm: lower is better). A missing metric contributes 0.
 *   score = Σ wᵢ · nᵢ / Σ wᵢ   ∈ [0, 1]   (0 when every weight is 0)
 * Clipping at the 5th/95th percentiles keeps one whale (volume, max profit) or one outlier from
 * squeezing everyone else into a sliver of the range.
 */

export const SCORE_CLIP_LOW = 0.05;
export const SCORE_CLIP_HIGH = 0.95;

export type ScoredMetric = keyof LeaderboardWeights;
export const SCORED_METRICS: readonly ScoredMetric[] = ['win_rate', 'total_volume_usd', 'max_drawdown', 'avg_risk_ratio', 'max_profit_usd'];
/** Lower is better for these: they enter the score as 1 − norm. */
export const INVERTED_METRICS: ReadonlySet<ScoredMetric> = new Set<ScoredMetric>(['max_drawdown', 'avg_risk_ratio']);

export type ScoreInputs = Record<ScoredMetric, number | null>;
export interface Bounds {
  lo: number | null;
  hi: number | null;
}
export type ScoreBounds = Record<ScoredMetric, Bounds>;

/** PostgreSQL's percentile_cont over the non-null values (null when there are none). */
export function percentileCont(values: readonly (number | null)[], fraction: number): number | null {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const pos = fraction * (sorted.length - 1);
  const lower = Math.floor(pos);
  const upper = Math.ceil(pos);
  if (lower === upper) return sorted[lower];
  return sorted[lower] + (pos - lower) * (sorted[upper] - sorted[lower]);
}

export function normalise(x: number | null, bounds: Bounds): number | null {
  const { lo, hi } = bounds;
  if (x === null || lo === null || hi === null) return null;
  if (hi > lo) return (Math.min(Math.max(x, lo), hi) - lo) / (hi - lo);
  if (x > hi) return 1;
  if (x < lo) return 0;
  return 0.5;
}

/** The clip bounds of each scored metric over the eligible traders of one window. */
export function scoreBounds(eligible: readonly ScoreInputs[]): ScoreBounds {
  const out = {} as ScoreBounds;
  for (const metric of SCORED_METRICS) {
    const values = eligible.map((e) => e[metric]);
    out[metric] = { lo: percentileCont(values, SCORE_CLIP_LOW), hi: percentileCont(values, SCORE_CLIP_HIGH) };
  }
  return out;
}

export function traderScore(inputs: ScoreInputs, bounds: ScoreBounds, weights: LeaderboardWeights): number {
  let total = 0;
  let sum = 0;
  for (const metric of SCORED_METRICS) {
    const w = weights[metric];
    total += w;
    const n = normalise(inputs[metric], bounds[metric]);
    if (n === null) continue;
    sum += w * (INVERTED_METRICS.has(metric) ? 1 - n : n);
  }
  return total > 0 ? sum / total : 0;
}
