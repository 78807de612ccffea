/**
 * The leaderboard's metric definitions (README, "Leaderboard"), written out plainly over explicit
 * inputs: loops over trades, closes and account points, no SQL. The e2e tests compute what each
 * metric must be with these and compare with what the service stored.
 */
import type { LeaderboardWindow } from '../../src/leaderboard/leaderboard-windows';

const DAY = 86_400_000;
const WINDOW_DAYS: Record<LeaderboardWindow, number | null> = { '1d': 1, '7d': 7, '30d': 30, all: null };

export function startOf(t0: number, window: LeaderboardWindow): number {
  const days = WINDOW_DAYS[window];
  return days === null ? -Infinity : t0 - days * DAY;
}

const inWindow = (time: number, t0: number, window: LeaderboardWindow) => time > startOf(t0, window) && time <= t0;

/** One trade of the trader (ledger or exchange-only): notional = px × sz. */
export interface RefTrade {
  time: number;
  notional: number;
}

/** One of the trader's fills with realized PnL. */
export interface RefFill {
  time: number;
  closedPnl: number;
  fee: number | null;
  closing: boolean;
}

/** One account value point: a snapshot (with total notional) or a portfolio point (ntl null). */
export interface RefPoint {
  time: number;
  av: number;
  ntl: number | null;
}

export function expectedVolume(trades: RefTrade[], t0: number, window: LeaderboardWindow) {
  const inside = trades.filter((t) => inWindow(t.time, t0, window));
  return { trades_count: inside.length, total_volume_usd: inside.reduce((s, t) => s + t.notional, 0) };
}

/** `fills` null: no PnL data at all for the trader. */
export function expectedPnl(fills: RefFill[] | null, t0: number, window: LeaderboardWindow) {
  if (fills === null) {
    return { realized_pnl_usd: null, win_rate: null, profit_factor: null, max_profit_usd: null, max_loss_usd: null };
  }
  const inside = fills.filter((f) => inWindow(f.time, t0, window));
  const net = (f: RefFill) => f.closedPnl - (f.fee ?? 0);
  const closes = inside.filter((f) => f.closing).map(net);
  const wins = closes.filter((n) => n > 0);
  const losses = closes.filter((n) => n < 0);
  const grossLoss = -losses.reduce((s, n) => s + n, 0);
  return {
    realized_pnl_usd: inside.reduce((s, f) => s + net(f), 0),
    win_rate: wins.length + losses.length > 0 ? wins.length / (wins.length + losses.length) : null,
    profit_factor: grossLoss > 0 ? wins.reduce((s, n) => s + n, 0) / grossLoss : null,
    max_profit_usd: wins.length > 0 ? Math.max(...wins) : 0,
    max_loss_usd: losses.length > 0 ? Math.min(...losses) : 0,
  };
}

/**
 * The window's account series is its points plus the last point at or before its start; drawdown
 * is the largest fall from the running peak over it (as a fraction of the peak), the start value
 * its first point, risk the mean total notional / account value of the snapshots inside the window.
 */
export function expectedAccount(points: RefPoint[], t0: number, window: LeaderboardWindow, realizedPnl: number | null) {
  // Same order as the service: by time, a portfolio point before a snapshot of the same time.
  const pts = points.filter((p) => p.time <= t0).sort((a, b) => a.time - b.time || (a.ntl === null ? 0 : 1) - (b.ntl === null ? 0 : 1));
  const s = startOf(t0, window);
  let first = pts.findIndex((p) => p.time > s);
  if (first === -1) first = pts.length;
  // The points inside the window, led by the anchor (the last point at or before the start).
  const series = pts.slice(first > 0 ? first - 1 : 0);
  let peak = -Infinity;
  let drawdown: number | null = null;
  for (const p of series) {
    peak = Math.max(peak, p.av);
    if (peak > 0) drawdown = Math.max(drawdown ?? 0, (peak - p.av) / peak);
  }
  const snaps = pts.filter((p) => p.ntl !== null && p.time > s && p.av > 0);
  const start = series.length > 0 ? series[0].av : null;
  return {
    max_drawdown: drawdown,
    avg_risk_ratio: snaps.length > 0 ? snaps.reduce((sum, p) => sum + p.ntl! / p.av, 0) / snaps.length : null,
    account_value_usd: pts.length > 0 ? pts[pts.length - 1].av : null,
    roi: start !== null && start > 0 && realizedPnl !== null ? realizedPnl / start : null,
  };
}

/** Average-cost book of one trader: realized PnL and whether a fill closes (reduces a position). */
export class ReferenceBook {
  private readonly positions = new Map<string, { szi: number; entry: number }>();

  apply(coin: string, delta: number, px: number): { closedPnl: number; closing: boolean } {
    const pos = this.positions.get(coin) ?? { szi: 0, entry: 0 };
    const next = pos.szi + delta;
    if (pos.szi === 0 || Math.sign(pos.szi) === Math.sign(delta)) {
      const size = Math.abs(pos.szi) + Math.abs(delta);
      this.positions.set(coin, { szi: next, entry: (Math.abs(pos.szi) * pos.entry + Math.abs(delta) * px) / size });
      return { closedPnl: 0, closing: false };
    }
    const closed = Math.min(Math.abs(delta), Math.abs(pos.szi));
    const closedPnl = (px - pos.entry) * closed * Math.sign(pos.szi);
    if (next === 0) this.positions.delete(coin);
    else if (Math.sign(next) === Math.sign(pos.szi)) this.positions.set(coin, { szi: next, entry: pos.entry });
    else this.positions.set(coin, { szi: next, entry: px });
    return { closedPnl, closing: true };
  }
}

/** |a − b| ≤ 1e-9 · max(|a|, |b|), with an absolute floor of 1e-12 around zero. */
export function close(actual: number | string | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  const a = Number(actual);
  return Math.abs(a - expected) <= Math.max(1e-12, 1e-9 * Math.max(Math.abs(a), Math.abs(expected)));
}
