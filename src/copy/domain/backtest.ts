/**
 * A backtest of copying one leader (POST /api/v1/copy/simulate): the leader's stored fills,
 * replayed in time order through the copy engine's own pure steps (sizing.ts: the follow's target;
 * order-plan.ts: deltas, the $10 minimum, size and price rounding; fills.ts: the paper fill at the
 * latest price worsened by the slippage and charged the paper taker fee, average-cost booking).
 * Pure and Nest-free: the caller streams the fills in with `push` and reads `finish`.
 *
 * What stands in for the live engine's inputs:
 * - the latest price of a coin is the leader's latest fill price in it (the fills are the only
 *   prices in the ledger that are the leader's own);
 * - one leader order is one signal: consecutive fills of one coin at one time are applied
 *   together, then the follower's orders for that coin are planned (the engine collapses a burst
 *   of signals for one coin to its newest likewise);
 * - reconciliation runs every `reconcileMs` of fill time (COPY_RECONCILE_SECONDS), with the band;
 * - the leader's equity (proportional sizing) is its stored account value at or before the fill;
 * - a position the leader already held when the window starts is ignored until it is closed or
 *   flipped, unless `copyOpenPositions` (then it is entered at its first fill in the window);
 * - `maxLossUsd`: once the follow's PnL reaches −max_loss_usd its positions are closed and
 *   nothing more is copied, like the engine's loss stop.
 */
import { applyFill, HeldPosition, paperFill, unrealizedPnl } from './fills';
import { planCoin, PlanOptions } from './order-plan';
import { drawdownPct } from './risk';
import { advanceFollowState, emptyFollowState, FollowSettings, FollowState, followTarget, followerTarget, LeaderView } from './sizing';

export interface LeaderFill {
  /** Fill time, epoch ms. */
  t: number;
  coin: string;
  /** `B` bought, `A` sold. */
  side: 'A' | 'B';
  px: number;
  sz: number;
  /** The leader's signed position in the coin before the fill (the exchange's startPosition); null when unknown. */
  startPosition: number | null;
}

export interface BacktestOptions {
  settings: FollowSettings;
  copyOpenPositions: boolean;
  /** The follower's starting equity. */
  equityUsd: number;
  /** Entries' slippage (the follow's slippage_bps or COPY_DEFAULT_SLIPPAGE_BPS); paper fills are worsened by it. */
  slippageBps: number;
  /** COPY_EXIT_SLIPPAGE_BPS: exits' IOC limit distance (the limit only; a paper fill uses `slippageBps`, as the engine's). */
  exitSlippageBps: number;
  rebalanceBandPct: number;
  maxLossUsd: number | null;
  /** PAPER_TAKER_FEE_BPS. */
  feeBps: number;
  /** COPY_RECONCILE_SECONDS in ms; 0 = never reconcile. */
  reconcileMs: number;
  /** The coin's size decimals. */
  szDecimals: (coin: string) => number;
  /** The leader's account value at a time (proportional sizing); null when unknown. */
  leaderEquityAt: (t: number) => number | null;
  /** Where the curve starts (the window's start; null: at the first fill). */
  startMs: number | null;
  /** Where it ends (now). */
  endMs: number;
  /** The curve is thinned to about this many points (the drawdown is measured on every step). */
  maxCurvePoints?: number;
}

export interface BacktestResult {
  /** [epoch ms, equity USD], thinned to about maxCurvePoints (each bucket's low and high kept). */
  equityCurve: Array<[number, number]>;
  pnlUsd: number;
  realizedPnlUsd: number;
  unrealizedPnlUsd: number;
  feesUsd: number;
  /** Largest fall of equity from its running peak, percent. */
  maxDrawdownPct: number;
  /** Orders filled (paper). */
  orders: number;
  /** Decisions the engine would not have sent (under $10, under the lot size). */
  skippedOrders: number;
  /** Leader fills replayed. */
  leaderFills: number;
  /** Positions held at the end (signed size, average entry, last price). */
  positions: Array<{ coin: string; size: number; entryPx: number; markPx: number }>;
  /** The loss stop fired (max_loss_usd). */
  stopped: boolean;
}

const DEFAULT_CURVE_POINTS = 1000;
const FOLLOW_ID = 'backtest';
const sign = (x: number): 1 | -1 | 0 => (x > 0 ? 1 : x < 0 ? -1 : 0);
const FLAT = 1e-12;

export class CopyBacktest {
  private readonly leader = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly prices: Record<string, number> = {};
  private readonly held = new Map<string, HeldPosition>();
  private state: FollowState = emptyFollowState();
  private realized = 0;
  private fees = 0;
  private orders = 0;
  private skipped = 0;
  private fills = 0;
  private peak: number;
  private maxDd = 0;
  private stopped = false;
  private lastReconcile: number | null = null;
  private pending: { coin: string; t: number } | null = null;
  private readonly curve: Array<[number, number]> = [];

  constructor(private readonly o: BacktestOptions) {
    this.peak = o.equityUsd;
  }

  /** Feeds the next leader fill (in time order). */
  push(f: LeaderFill): void {
    if (this.pending && (this.pending.coin !== f.coin || this.pending.t !== f.t)) this.step(this.pending.coin, this.pending.t);
    if (this.curve.length === 0) this.curve.push([this.o.startMs ?? f.t, this.o.equityUsd]);
    this.fills++;
    const before = f.startPosition ?? this.leader.get(f.coin) ?? 0;
    if (!this.seen.has(f.coin)) {
      this.seen.add(f.coin);
      // Held before the window: ignored until closed or flipped (copy_open_positions enters it).
      if (!this.o.copyOpenPositions && sign(before) !== 0) this.state.ignored[f.coin] = sign(before) as 1 | -1;
    }
    const after = before + (f.side === 'B' ? f.sz : -f.sz);
    this.leader.set(f.coin, Math.abs(after) < FLAT ? 0 : after);
    if (f.px > 0) this.prices[f.coin] = f.px;
    this.pending = { coin: f.coin, t: f.t };
  }

  finish(): BacktestResult {
    if (this.pending) this.step(this.pending.coin, this.pending.t);
    this.pending = null;
    const equity = this.equity();
    if (this.curve.length === 0) this.curve.push([this.o.startMs ?? this.o.endMs, equity]);
    const last = this.curve[this.curve.length - 1];
    if (last[0] < this.o.endMs) this.curve.push([this.o.endMs, equity]);
    const unrealized = this.unrealized();
    return {
      equityCurve: thin(this.curve, this.o.maxCurvePoints ?? DEFAULT_CURVE_POINTS),
      pnlUsd: equity - this.o.equityUsd,
      realizedPnlUsd: this.realized,
      unrealizedPnlUsd: unrealized,
      feesUsd: this.fees,
      maxDrawdownPct: this.maxDd,
      orders: this.orders,
      skippedOrders: this.skipped,
      leaderFills: this.fills,
      positions: [...this.held]
        .filter(([, p]) => p.size !== 0)
        .map(([coin, p]) => ({ coin, size: p.size, entryPx: p.entryPx, markPx: this.prices[coin] ?? p.entryPx }))
        .sort((a, b) => a.coin.localeCompare(b.coin)),
      stopped: this.stopped,
    };
  }

  private step(coin: string, t: number): void {
    if (!this.stopped) {
      const due = this.o.reconcileMs > 0 && (this.lastReconcile === null || t - this.lastReconcile >= this.o.reconcileMs);
      if (due) this.lastReconcile = t;
      const sizes = this.target(t);
      if (due) for (const c of Object.keys(sizes)) if (c !== coin) this.trade(c, sizes[c], 'reconcile');
      if (coin in sizes) this.trade(coin, sizes[coin], 'signal');
      const pnl = this.equity() - this.o.equityUsd;
      if (this.o.maxLossUsd !== null && pnl <= -this.o.maxLossUsd) {
        this.stopped = true;
        for (const [c, p] of this.held) if (p.size !== 0) this.trade(c, 0, 'reconcile');
      }
    }
    const equity = this.equity();
    this.peak = Math.max(this.peak, equity);
    this.maxDd = Math.max(this.maxDd, drawdownPct(equity, this.peak));
    this.curve.push([t, equity]);
  }

  /** The follower's desired size per coin now (the engine's target for one follow). */
  private target(t: number): Record<string, number> {
    const positions: LeaderView['positions'] = {};
    for (const [c, size] of this.leader) if (size !== 0) positions[c] = { size, leverage: null };
    const view: LeaderView = { equityUsd: this.o.settings.sizing === 'proportional' ? this.o.leaderEquityAt(t) : null, positions };
    this.state = advanceFollowState(this.o.settings, this.state, view, this.prices);
    const target = followTarget(this.o.settings, this.state, view, this.equity(), this.prices);
    const heldCoins = [...this.held].filter(([, p]) => p.size !== 0).map(([c]) => c);
    return followerTarget([{ id: FOLLOW_ID, settings: this.o.settings, target }], heldCoins).sizes;
  }

  /** Plans one coin like the engine and fills its orders on paper. */
  private trade(coin: string, desired: number, mode: PlanOptions['mode']): void {
    const pos = this.held.get(coin) ?? { size: 0, entryPx: 0 };
    const price = this.prices[coin] ?? null;
    const plan = planCoin(
      { coin, desired, actual: pos.size, price, szDecimals: this.o.szDecimals(coin) },
      {
        mode,
        entrySlippageBps: this.o.slippageBps,
        exitSlippageBps: this.o.exitSlippageBps,
        stale: false,
        rebalanceBandPct: this.o.rebalanceBandPct,
      },
    );
    this.skipped += plan.skipped.filter((s) => s.reason !== 'within_band').length;
    let cur = pos;
    for (const order of plan.orders) {
      const size = Number(order.size);
      const fill = paperFill(price!, order.isBuy, size, this.o.slippageBps, this.o.feeBps);
      const next = applyFill(cur, order.isBuy ? size : -size, fill.price);
      cur = { size: next.size, entryPx: next.entryPx };
      this.realized += next.realizedPnl;
      this.fees += fill.fee;
      this.orders++;
    }
    this.held.set(coin, cur);
  }

  private unrealized(): number {
    let u = 0;
    for (const [coin, p] of this.held) u += unrealizedPnl(p, this.prices[coin] ?? p.entryPx);
    return u;
  }

  private equity(): number {
    return this.o.equityUsd + this.realized - this.fees + this.unrealized();
  }
}

/**
 * At most about `max` points: the first and the last kept, and each bucket in between reduced to
 * its lowest and highest point (in time order), so a chart of it shows every drawdown.
 */
export function thin(points: ReadonlyArray<[number, number]>, max: number): Array<[number, number]> {
  if (points.length <= max || max < 4) return points.slice();
  const inner = points.slice(1, -1);
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const size = Math.ceil(inner.length / buckets);
  const out: Array<[number, number]> = [points[0]];
  for (let i = 0; i < inner.length; i += size) {
    const chunk = inner.slice(i, i + size);
    let lo = chunk[0];
    let hi = chunk[0];
    for (const p of chunk) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    if (lo === hi) out.push(lo);
    else out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  out.push(points[points.length - 1]);
  return out;
}
