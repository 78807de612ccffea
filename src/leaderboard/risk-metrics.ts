/**
 * A trader's risk figures over one window, as plain functions (no Nest, no SQL): the reference the
 * unit tests check against hand-computed series, and what the risk job stores per trader and window.
 *
 * - Daily closes: the last account value at or before the end of each UTC day, carried forward over
 *   days without a point, from the window's anchor (the last point at or before its start) or its
 *   first point, to the day of the computation time. Daily return r = close / previous close − 1.
 * - Where the account series is thin (fewer than THIN_SERIES points in the window, anchor included),
 *   the equity curve of the trader's own fills stands in: the value at the window's start (the
 *   latest account value minus the window's net PnL, i.e. no deposits assumed) plus the running
 *   Σ (closedPnl − fee), one point per fill.
 * - Sharpe = mean(r) / sd(r) × √365 (sample sd); Sortino = mean(r) / dd(r) × √365 with the downside
 *   deviation dd = √(Σ min(r, 0)² / n). Null with fewer than 2 returns or a zero denominator (a flat
 *   series; no losing day for Sortino).
 * - Profitable days / weeks: the share of days (UTC) / weeks (Monday to Sunday, UTC; compounded
 *   daily returns) with a gain, among those with a non-zero return. Null without any.
 * - Holding time: per coin, a position's life from opening (size leaves 0, or a flip) to closing
 *   (back to 0, or a flip); the mean over those that closed inside the window, in seconds.
 * - Average leverage: mean of total notional / account value over the window's snapshots that hold
 *   a position; average position: their mean notional (else the window's mean fill notional).
 */

export const DAY_MS = 86_400_000;
/** An account series with fewer points than this in a window is "thin": the fills' curve stands in. */
export const THIN_SERIES = 3;
const ANNUAL = Math.sqrt(365);

export interface ValuePoint {
  t: number;
  av: number;
}

export interface SnapshotPoint extends ValuePoint {
  /** Total notional of the open positions. */
  ntl: number;
}

export interface RiskFill {
  t: number;
  coin: string;
  side: 'B' | 'A';
  sz: number;
  px: number;
  /** The position before the fill, when the exchange said (else derived from the fills before). */
  startPosition: number | null;
  /** closedPnl − fee. */
  net: number;
}

export interface RiskInputs {
  /** The account value series (snapshots and the exchange's portfolio history), any order. */
  points: readonly ValuePoint[];
  /** Our snapshots (with notional), any order. */
  snapshots: readonly SnapshotPoint[];
  /** Every known fill of the trader, any order. */
  fills: readonly RiskFill[];
}

export interface RiskFigures {
  sharpeRatio: number | null;
  sortinoRatio: number | null;
  avgHoldingSeconds: number | null;
  profitableDaysShare: number | null;
  profitableWeeksShare: number | null;
  avgLeverage: number | null;
  avgPositionUsd: number | null;
  /** Max drawdown of the fills' equity curve (used where the account series is thin). */
  fillsDrawdown: number | null;
  /** Daily returns the ratios were computed from. */
  dailyReturns: number;
  /** Which curve the daily returns come from. */
  source: 'account' | 'fills' | null;
}

/** Largest (peak − value) / peak over the series, as a fraction; 0 for a rising or flat one; null when empty. */
export function maxDrawdown(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let peak = -Infinity;
  let worst = 0;
  for (const v of values) {
    if (v > peak) peak = v;
    if (peak > 0) worst = Math.max(worst, (peak - v) / peak);
  }
  return worst;
}

const dayOf = (t: number) => Math.floor(t / DAY_MS);

/** Daily closes (epoch day, value) from the first point's day to `to`'s day; points sorted by time. */
export function dailyCloses(sorted: readonly ValuePoint[], to: number): Array<{ day: number; v: number }> {
  if (sorted.length === 0) return [];
  const out: Array<{ day: number; v: number }> = [];
  let i = 0;
  let last = sorted[0].av;
  for (let day = dayOf(sorted[0].t); day <= dayOf(to); day++) {
    const end = (day + 1) * DAY_MS;
    while (i < sorted.length && sorted[i].t < end) last = sorted[i++].av;
    out.push({ day, v: last });
  }
  return out;
}

/** r = v / previous − 1 for each close after the first whose previous close is positive; tagged with its day. */
export function dailyReturns(closes: ReadonlyArray<{ day: number; v: number }>): Array<{ day: number; r: number }> {
  const out: Array<{ day: number; r: number }> = [];
  for (let k = 1; k < closes.length; k++) {
    if (closes[k - 1].v > 0) out.push({ day: closes[k].day, r: closes[k].v / closes[k - 1].v - 1 });
  }
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export function sharpeRatio(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - m) ** 2, 0) / (returns.length - 1));
  return sd > 1e-12 ? (m / sd) * ANNUAL : null;
}

export function sortinoRatio(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const down = Math.sqrt(returns.reduce((s, r) => s + Math.min(r, 0) ** 2, 0) / returns.length);
  return down > 1e-12 ? (mean(returns) / down) * ANNUAL : null;
}

/** Share of positive values among the non-zero ones (null without any). */
export function profitableShare(values: readonly number[]): number | null {
  const decided = values.filter((v) => Math.abs(v) > 1e-12);
  return decided.length === 0 ? null : decided.filter((v) => v > 0).length / decided.length;
}

/** Compounded returns per week (Monday to Sunday, UTC) of tagged daily returns. */
export function weeklyReturns(daily: ReadonlyArray<{ day: number; r: number }>): number[] {
  const weeks = new Map<number, number>();
  // Epoch day 0 is a Thursday: day + 3 counts from a Monday.
  for (const { day, r } of daily) {
    const w = Math.floor((day + 3) / 7);
    weeks.set(w, (weeks.get(w) ?? 1) * (1 + r));
  }
  return [...weeks.values()].map((g) => g - 1);
}

/** Each position's life: [opened, closed] times per coin, from the fills in time order. */
export function holdingPeriods(fills: readonly RiskFill[]): Array<{ opened: number; closed: number }> {
  const sorted = [...fills].sort((a, b) => a.t - b.t);
  const pos = new Map<string, { size: number; since: number }>();
  const out: Array<{ opened: number; closed: number }> = [];
  const eps = 1e-9;
  for (const f of sorted) {
    const cur = pos.get(f.coin) ?? { size: 0, since: f.t };
    const before = f.startPosition ?? cur.size;
    if (f.startPosition !== null && Math.abs(before) > eps && Math.abs(cur.size) <= eps) cur.since = Math.min(cur.since, f.t);
    const after = before + (f.side === 'B' ? f.sz : -f.sz);
    const closes = Math.abs(before) > eps && (Math.abs(after) <= eps || Math.sign(after) !== Math.sign(before));
    if (closes) out.push({ opened: cur.since, closed: f.t });
    if (Math.abs(before) <= eps || closes) cur.since = f.t;
    cur.size = Math.abs(after) <= eps ? 0 : after;
    pos.set(f.coin, cur);
  }
  return out;
}

const inWindow = (t: number, start: number | null, to: number) => (start === null || t > start) && t <= to;

/** The window's series: its points plus the anchor (the last point at or before its start). */
export function windowSeries(sorted: readonly ValuePoint[], start: number | null, to: number): ValuePoint[] {
  const inside = sorted.filter((p) => inWindow(p.t, start, to));
  if (start === null) return inside;
  const before = sorted.filter((p) => p.t <= start);
  return before.length > 0 ? [before[before.length - 1], ...inside] : inside;
}

/** The fills' equity curve over the window: its start value, then one point per fill (null without a positive start). */
export function fillsEquityCurve(
  windowFills: readonly RiskFill[],
  latestValue: number | null,
  start: number | null,
): ValuePoint[] | null {
  if (latestValue === null || windowFills.length === 0) return null;
  const sorted = [...windowFills].sort((a, b) => a.t - b.t);
  const base = latestValue - sorted.reduce((s, f) => s + f.net, 0);
  if (!(base > 0)) return null;
  const out: ValuePoint[] = [{ t: start ?? sorted[0].t - 1, av: base }];
  let v = base;
  for (const f of sorted) out.push({ t: f.t, av: (v += f.net) });
  return out;
}

/** Every figure of one window `(start, to]` (start null: everything up to `to`). */
export function riskFigures(input: RiskInputs, start: number | null, to: number): RiskFigures {
  const points = [...input.points].sort((a, b) => a.t - b.t).filter((p) => p.t <= to);
  const series = windowSeries(points, start, to);
  const windowFills = input.fills.filter((f) => inWindow(f.t, start, to));
  const latest = points.length > 0 ? points[points.length - 1].av : null;
  const curve = fillsEquityCurve(windowFills, latest, start);
  const thin = series.length < THIN_SERIES;
  const source = !thin ? 'account' : curve ? 'fills' : series.length > 0 ? 'account' : null;
  const daily = source === null ? [] : dailyReturns(dailyCloses(source === 'fills' ? curve! : series, to));
  const returns = daily.map((d) => d.r);

  const holds = holdingPeriods(input.fills).filter((h) => inWindow(h.closed, start, to));
  const snaps = input.snapshots.filter((s) => inWindow(s.t, start, to) && s.ntl > 0 && s.av > 0);
  const fillNotional = windowFills.map((f) => f.px * f.sz);
  return {
    sharpeRatio: sharpeRatio(returns),
    sortinoRatio: sortinoRatio(returns),
    avgHoldingSeconds: holds.length > 0 ? mean(holds.map((h) => (h.closed - h.opened) / 1000)) : null,
    profitableDaysShare: profitableShare(returns),
    profitableWeeksShare: profitableShare(weeklyReturns(daily)),
    avgLeverage: snaps.length > 0 ? mean(snaps.map((s) => s.ntl / s.av)) : null,
    avgPositionUsd: snaps.length > 0 ? mean(snaps.map((s) => s.ntl)) : fillNotional.length > 0 ? mean(fillNotional) : null,
    fillsDrawdown: curve ? maxDrawdown(curve.map((p) => p.av)) : null,
    dailyReturns: returns.length,
    source,
  };
}
