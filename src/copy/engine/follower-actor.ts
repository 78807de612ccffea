import { Logger } from '@nestjs/common';
import type { AlertView } from '../api/copy-views';
import type { FollowerRecord, FollowRecord, OrderRecord } from '../data/copy.records';
import type { NewOrder } from '../data/copy-orders.repository';
import { allocateFill, applyFill, HeldPosition, unrealizedPnl } from '../domain/fills';
import { CoinPlan, planCoin, PlannedOrder } from '../domain/order-plan';
import { drawdownBreached, followLossBreached, maySend } from '../domain/risk';
import {
  advanceFollowState,
  FollowerTarget,
  followerTarget,
  FollowState,
  followTarget,
  FollowTarget,
  initialFollowState,
} from '../domain/sizing';
import { newCloid } from '../secrets';
import type { ActorDeps, Trigger } from './actor-deps';
import { CopyExecutor, ExecResult, PaperExecutor } from './executors';

type HeldState = FollowState & { held?: Record<string, HeldPosition> };
type OrderBase = Omit<NewOrder, 'cloid' | 'side' | 'kind' | 'size' | 'limitPrice' | 'reduceOnly' | 'status' | 'error'>;
interface CoinWork {
  coin: string;
  plan: CoinPlan;
  follow: FollowRecord | undefined;
  leverage: number | null;
}
const ALLOWANCE_EVERY_ORDERS = 50;
const ALLOWANCE_ALERT_LEFT = 0.1;
const RETRY_MAX_MS = 30_000;
/** How long a sent order's fill is expected back in the public trade stream (its echo, not a foreign trade). */
const OWN_FILL_ECHO_MS = 15_000;

/**
 * One follower, driven by one worker at a time (the caller holds its lease): triggers are handled
 * one after the other, so its orders are serialized. Each run resolves what a crash left open,
 * computes the desired sizes, plans the orders, journals them (pending, with their cloids), then
 * sends them and books the fills.
 */
export class FollowerActor {
  private readonly logger = new Logger(FollowerActor.name);
  private follower: FollowerRecord | null = null;
  private follows: FollowRecord[] = [];
  private readonly positions = new Map<string, HeldPosition & { leverage: number | null }>();
  private readonly desired = new Map<string, number>();
  private executor: CopyExecutor | null = null;
  private readonly queue: Trigger[] = [];
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 1000;
  private ordersSinceAllowance = 0;
  /** A journal row may be pending or sent (after a load, or an unknown outcome): resolve first. */
  private mayHaveUnresolved = true;
  private readonly warned = new Set<string>();
  /** Per coin: size sent recently whose trades the public stream will echo (see `isForeignTrade`). */
  private readonly echoes = new Map<string, { size: number; until: number }>();
  /** Per coin: the last skip journaled (see `newSkips`). */
  private readonly lastSkip = new Map<string, string>();
  closed = false;

  constructor(
    readonly id: string,
    private readonly deps: ActorDeps,
  ) {}

  get leaders(): string[] {
    return this.follows.filter((f) => f.status === 'active').map((f) => f.leader);
  }

  get mode(): FollowerRecord['mode'] | null {
    return this.follower?.mode ?? null;
  }

  get address(): string | null {
    return this.follower?.address ?? null;
  }

  /**
   * A trade of this follower's account seen in the public stream: true when it is not the echo of
   * an order this actor just sent (a trade made elsewhere, to reconcile). Echoes are matched by
   * coin and size against what was sent in the last OWN_FILL_ECHO_MS.
   */
  isForeignTrade(coin: string, size: number): boolean {
    const e = this.echoes.get(coin);
    if (!e || e.until < Date.now() || e.size + 1e-9 < size) return true;
    e.size -= size;
    return false;
  }

  private expectEcho(coin: string, size: number): void {
    const e = this.echoes.get(coin);
    const left = e && e.until >= Date.now() ? e.size : 0;
    this.echoes.set(coin, { size: Math.max(0, left + size), until: Date.now() + OWN_FILL_ECHO_MS });
  }

  /** Queues a trigger; signals for the same coin collapse to the newest. */
  push(t: Trigger): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (t.kind === 'signal') {
      const i = this.queue.findIndex((q) => q.kind === 'signal' && q.coin === t.coin);
      if (i >= 0) this.queue.splice(i, 1);
    } else if (this.queue.some((q) => q.kind === t.kind)) {
      return this.running ?? Promise.resolve();
    }
    this.queue.push(t);
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  /** Waits for the current work and stops taking more (lease lost, shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running?.catch(() => undefined);
    this.executor?.close();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const t = this.queue.shift()!;
      try {
        await this.run(t);
      } catch (err) {
        this.logger.warn({ msg: 'copy run failed', follower_id: this.id, trigger: t.kind, error: (err as Error).message });
        this.scheduleRetry();
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.push({ kind: 'retry' });
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private async load(): Promise<void> {
    this.mayHaveUnresolved = true;
    await this.deps.flusher.flush(); // what this process still buffers for the follower is written first
    const [f] = await this.deps.followers.findMany([this.id]);
    if (!f) throw new Error(`follower ${this.id} is gone`);
    this.follower = f;
    this.follows = await this.deps.follows.listByFollowers([this.id]);
    this.executor?.close();
    this.executor = this.deps.executorFor(f);
    this.positions.clear();
    for (const p of await this.deps.state.positions(this.id)) {
      this.positions.set(p.coin, { size: p.size, entryPx: p.entryPx, leverage: p.leverage });
      this.desired.set(p.coin, p.desiredSize);
    }
    await this.syncAccount();
  }

  /** Live: the exchange's account is the truth for positions and equity. */
  private async syncAccount(): Promise<void> {
    const snap = await this.executor!.snapshot();
    if (!snap) return;
    for (const [coin, p] of this.positions) if (!snap.positions[coin]) this.positions.set(coin, { ...p, size: 0, entryPx: 0 });
    for (const [coin, p] of Object.entries(snap.positions)) this.positions.set(coin, p);
    this.deps.flusher.equityOf(this.id, snap.equityUsd, 0, 0);
    this.follower!.equityUsd = snap.equityUsd;
    this.follower!.peakEquityUsd = Math.max(this.follower!.peakEquityUsd, snap.equityUsd);
  }

  private async run(t: Trigger): Promise<void> {
    if (!this.follower || t.kind === 'reload') await this.load();
    if (t.kind === 'reconcile') await this.syncAccount();
    // Nothing new is sent while an earlier order's outcome is unknown.
    if (!(await this.resolveUnknown())) return this.scheduleRetry();
    const f = this.follower!;
    const closeAll = f.status === 'stopped' && (f.stopReason === 'user_close' || f.stopReason === 'drawdown_stop');
    if (f.status !== 'active' && !closeAll) return;

    const target = await this.target(closeAll);
    this.lastTarget = target;
    const plans = this.plan(target, t);
    const sent = await this.execute(plans, t);
    await this.afterRun();
    if (sent.exitsLeft) this.scheduleRetry();
    else this.retryMs = 1000;
  }

  /** Resolves pending/sent journal rows by cloid; false when one is still unknown (retry later). */
  private async resolveUnknown(): Promise<boolean> {
    if (!this.mayHaveUnresolved) return true;
    const open = await this.deps.orders.unresolved(this.id);
    let changed = false;
    for (const o of open) {
      const r = await this.executor!.resolve(o);
      if (r === 'wait') return false;
      await this.book(o, r);
      changed = true;
    }
    if (changed) await this.syncAccount();
    this.mayHaveUnresolved = false;
    return true;
  }

  private async target(closeAll: boolean): Promise<FollowerTarget> {
    const f = this.follower!;
    const views = await this.deps.leaders.views(this.follows.map((x) => x.leader));
    const prices = Object.fromEntries(this.deps.market.prices);
    const held = [...this.positions].filter(([, p]) => p.size !== 0).map(([c]) => c);
    const parts: Array<{ id: string; settings: FollowRecord['settings']; target: FollowTarget }> = [];
    for (const follow of this.follows) {
      const state = (follow.state ?? null) as HeldState | null;
      const closing = closeAll || follow.status !== 'active';
      if (closing) {
        const sizes = Object.fromEntries(Object.entries(state?.held ?? {}).map(([c]) => [c, 0]));
        parts.push({ id: follow.id, settings: { ...follow.settings, coinsAllow: Object.keys(sizes), coinsDeny: null }, target: { sizes, leverage: {}, unavailable: null } });
        continue;
      }
      const leader = views.get(follow.leader);
      if (!leader || !leader.baselined) {
        await this.alertOnce(`leader:${follow.leader}`, 'leader_unavailable', `leader ${follow.leader} has no baseline yet; waiting for its snapshot`);
        continue;
      }
      let next: HeldState = state ? { ...advanceFollowState(follow.settings, state, leader, prices), held: state.held ?? {} } : { ...initialFollowState(leader, follow.copyOpenPositions), held: {} };
      if (!state) next = { ...advanceFollowState(follow.settings, next, leader, prices), held: {} };
      follow.state = next;
      const t = followTarget(follow.settings, next, leader, f.equityUsd, prices);
      if (t.unavailable) await this.alertOnce(`leader:${follow.leader}`, 'leader_unavailable', `leader ${follow.leader}: ${t.unavailable}`);
      parts.push({ id: follow.id, settings: follow.settings, target: t });
    }
    return followerTarget(parts, held);
  }

  private plan(target: FollowerTarget, t: Trigger): CoinWork[] {
    const out: CoinWork[] = [];
    const cfg = this.deps.config;
    const coins = t.kind === 'signal' ? [t.coin].filter((c) => c in target.sizes) : Object.keys(target.sizes);
    for (const coin of coins) {
      const meta = this.deps.meta(coin);
      this.desired.set(coin, target.sizes[coin]);
      if (!meta) continue;
      const follow = this.followFor(coin, target);
      const plan = planCoin(
        { coin, desired: target.sizes[coin], actual: this.positions.get(coin)?.size ?? 0, price: this.deps.market.price(coin), szDecimals: meta.szDecimals },
        {
          mode: t.kind === 'signal' ? 'signal' : 'reconcile',
          entrySlippageBps: follow?.slippageBps ?? cfg.copyDefaultSlippageBps,
          exitSlippageBps: cfg.copyExitSlippageBps,
          stale: t.kind === 'signal' && Date.now() - t.time > cfg.copyMaxSignalAgeSeconds * 1000,
          rebalanceBandPct: follow?.rebalanceBandPct ?? 5,
        },
      );
      const lev = target.leverage[coin];
      out.push({ coin, plan, follow, leverage: lev === undefined ? null : Math.min(lev, meta.maxLeverage) });
    }
    return out;
  }

  /** The follow most responsible for a coin (largest share), for the journal's `leader` and its settings. */
  private followFor(coin: string, target: FollowerTarget): FollowRecord | undefined {
    let best: FollowRecord | undefined;
    let size = -1;
    for (const f of this.follows) {
      const s = Math.abs(target.byFollow[f.id]?.[coin] ?? -0.5);
      if (s > size) [best, size] = [f, s];
    }
    return best;
  }

  private async execute(plans: CoinWork[], t: Trigger): Promise<{ exitsLeft: boolean }> {
    let exitsLeft = false;
    const trigger = t.kind === 'signal' ? 'signal' : this.follower!.status === 'stopped' ? 'stop' : 'reconcile';
    for (const { coin, plan, leverage, follow } of plans) {
      const gate = maySend({ halted: this.deps.halted(), followerStatus: this.follower!.status }, plan.orders.every((o) => o.reduceOnly));
      const slippage = follow?.slippageBps ?? this.deps.config.copyDefaultSlippageBps;
      const base = { followerId: this.id, leader: follow?.leader ?? null, coin, trigger, triggerEventId: t.kind === 'signal' ? t.eventId : null, triggerTime: t.kind === 'signal' ? new Date(t.time) : null, leaderPrice: t.kind === 'signal' && t.price ? String(t.price) : null } as const;
      const skipped: NewOrder[] = plan.skipped
        .filter((s) => s.reason !== 'within_band')
        .map((s) => ({ ...base, cloid: newCloid(), side: s.isBuy ? 'buy' : 'sell', kind: s.kind, size: s.size, limitPrice: null, reduceOnly: s.kind !== 'open' && s.kind !== 'increase' && s.kind !== 'flip_open', status: 'skipped', error: s.reason }));
      if (!gate.ok && plan.orders.length > 0) {
        for (const o of plan.orders) skipped.push({ ...base, cloid: newCloid(), side: o.isBuy ? 'buy' : 'sell', kind: o.kind, size: o.size, limitPrice: o.limitPrice, reduceOnly: o.reduceOnly, status: 'skipped', error: gate.reason });
        if (gate.reason === 'halted') await this.alertOnce('halted', 'halted', 'copy trading is halted: no order is sent');
        exitsLeft ||= plan.orders.some((o) => o.reduceOnly);
      }
      for (const row of await this.deps.journal.insert(this.newSkips(coin, skipped, t))) {
        this.deps.publishOrder(row);
        if (row.error !== 'halted') await this.alert('skipped', `${row.kind} ${row.side} ${row.size} ${row.coin} not sent: ${row.error}`);
      }
      if (!gate.ok) continue;
      if (plan.orders.length > 0 && leverage !== null && this.positions.get(coin)?.leverage !== leverage) {
        const err = await this.executor!.setLeverage(coin, leverage);
        if (err) await this.alert('rejected', `updateLeverage ${coin} ${leverage}x refused: ${err}`);
        else this.positions.set(coin, { ...(this.positions.get(coin) ?? { size: 0, entryPx: 0 }), leverage });
      }
      for (const o of plan.orders) {
        const outcome = await this.sendOne(o, base, slippage);
        // An unknown outcome is resolved (by cloid) at the next run, before anything else is sent.
        if (outcome === 'unknown' || (outcome !== 'filled' && o.reduceOnly)) exitsLeft = true;
        if (outcome !== 'filled' && o.kind === 'flip_close') break; // the open waits for the close
        if (outcome === 'unknown') return { exitsLeft };
      }
    }
    return { exitsLeft };
  }

  /**
   * The skipped decisions worth a journal row: all of a leader's change (a new decision), but on
   * reconciliation and retries only a skip that differs (reason, kind, side) from the last one
   * journaled for the coin, so a standing skip (below the minimum, halted) is journaled once, not
   * on every pass. A coin with nothing skipped forgets its last skip.
   */
  private newSkips(coin: string, skipped: NewOrder[], t: Trigger): NewOrder[] {
    const key = skipped.map((r) => `${r.error}|${r.kind}|${r.side}`).sort().join(',');
    const same = key !== '' && this.lastSkip.get(coin) === key;
    if (key) this.lastSkip.set(coin, key);
    else this.lastSkip.delete(coin);
    return same && t.kind !== 'signal' ? [] : skipped;
  }

  /** Journal (pending, with cloid) → send → book. */
  private async sendOne(o: PlannedOrder, base: OrderBase, slippageBps: number): Promise<ExecResult['status']> {
    if (this.executor instanceof PaperExecutor) return this.paperOrder(o, base, slippageBps);
    const order: NewOrder = { ...base, cloid: newCloid(), side: o.isBuy ? 'buy' : 'sell', kind: o.kind, size: o.size, limitPrice: o.limitPrice, reduceOnly: o.reduceOnly, status: 'pending', error: null };
    const journaled = this.deps.journal.insert([order]);
    // Reserved and signed while its journal row is written; sent only once that row is committed.
    const sending = this.executor!.send(order, slippageBps, journaled.then(() => this.deps.faultBeforeSend()));
    let row: OrderRecord;
    try {
      [row] = await journaled;
    } catch (err) {
      await sending; // not sent: its send waited for this write
      throw err;
    }
    this.deps.publishOrder(row);
    const sentAt = Date.now();
    this.expectEcho(o.coin, Number(o.size)); // before the answer: the stream may echo the fill first
    const result = await sending;
    this.deps.faultAfterSend();
    this.ordersSinceAllowance++;
    if (result.status !== 'unknown') this.expectEcho(o.coin, (result.status === 'filled' || result.status === 'partially_filled' ? result.filled : 0) - Number(o.size));
    if (result.status === 'unknown') {
      this.mayHaveUnresolved = true;
      const sent = await this.deps.journal.resolve(row.id, { status: 'sent', error: result.error, acked: false, sentAt: new Date(sentAt) });
      this.deps.publishOrder(sent);
      return 'unknown';
    }
    await this.book(row, result, new Date(sentAt));
    return result.status;
  }

  /** Paper: the fill is computed in-process, so the decision is journaled already filled (one write). */
  private async paperOrder(o: PlannedOrder, base: OrderBase, slippageBps: number): Promise<ExecResult['status']> {
    const paper = this.executor as PaperExecutor;
    const fill = paper.fill(o.coin, o.isBuy, Number(o.size), slippageBps);
    const common = { ...base, cloid: newCloid(), side: o.isBuy ? 'buy' : 'sell', kind: o.kind, size: o.size, limitPrice: o.limitPrice, reduceOnly: o.reduceOnly } as const;
    if (!fill) {
      const [row] = await this.deps.journal.insert([{ ...common, status: 'skipped', error: 'no_price' }]);
      this.deps.publishOrder(row);
      return 'failed';
    }
    const [row] = await this.deps.journal.insert([
      { ...common, status: 'filled', error: null, fill: { size: o.size, avgPrice: String(fill.price), feeUsd: String(fill.fee), at: new Date() } },
    ]);
    this.deps.publishOrder(row);
    this.ordersSinceAllowance++;
    this.applyToBook(row.coin, row.side, Number(o.size), fill.price, fill.fee);
    return 'filled';
  }

  /** Books an order's outcome: journal row, positions, per-follow holdings, fees, alerts. */
  private async book(row: OrderRecord, result: ExecResult, sentAt?: Date): Promise<void> {
    if (result.status === 'unknown') return;
    if (result.status === 'rejected' || result.status === 'failed') {
      const r = result;
      this.deps.publishOrder(await this.deps.journal.resolve(row.id, { status: r.status, error: r.error, sentAt }));
      const kind = /margin/i.test(r.error) ? 'insufficient_margin' : 'rejected';
      await this.alert(kind, `${row.kind} ${row.side} ${row.size} ${row.coin} ${r.status}: ${r.error}`);
      return;
    }
    const r = result as Extract<ExecResult, { status: 'filled' | 'partially_filled' }>;
    this.deps.publishOrder(
      await this.deps.journal.resolve(row.id, { status: r.status, filledSize: String(r.filled), avgPrice: String(r.avgPx), feeUsd: String(r.fee), oid: r.oid, sentAt }),
    );
    this.applyToBook(row.coin, row.side, r.filled, r.avgPx, r.fee);
  }

  private applyToBook(coin: string, side: 'buy' | 'sell', filled: number, avgPx: number, fee: number): void {
    const qty = side === 'buy' ? filled : -filled;
    const pos = this.positions.get(coin) ?? { size: 0, entryPx: 0, leverage: null };
    const next = applyFill(pos, qty, avgPx);
    this.positions.set(coin, { size: next.size, entryPx: next.entryPx, leverage: pos.leverage });
    const f = this.follower!;
    f.realizedPnlUsd += next.realizedPnl;
    f.feesUsd += fee;
    this.pendingEquity.realized += next.realizedPnl;
    this.pendingEquity.fees += fee;
    this.allocate(coin, qty, avgPx, fee);
  }

  private readonly pendingEquity = { realized: 0, fees: 0 };
  private readonly followDeltas = new Map<string, { realized: number; fees: number }>();

  private allocate(coin: string, qty: number, px: number, fee: number): void {
    const gaps = this.follows.map((f) => {
      const held = (f.state as HeldState | null)?.held?.[coin]?.size ?? 0;
      const want = f.status === 'active' ? (this.lastTarget?.byFollow[f.id]?.[coin] ?? 0) : 0;
      return { followId: f.id, gap: want - held };
    });
    const shares = allocateFill(qty, gaps);
    for (const [id, q] of Object.entries(shares)) {
      const follow = this.follows.find((f) => f.id === id)!;
      const state: HeldState = (follow.state as HeldState | null) ?? { ratios: {}, ignored: {}, held: {} };
      state.held ??= {};
      const out = applyFill(state.held[coin] ?? { size: 0, entryPx: 0 }, q, px);
      if (out.size === 0) delete state.held[coin];
      else state.held[coin] = { size: out.size, entryPx: out.entryPx };
      follow.state = state;
      const d = this.followDeltas.get(id) ?? { realized: 0, fees: 0 };
      d.realized += out.realizedPnl;
      d.fees += (fee * Math.abs(q)) / Math.abs(qty);
      this.followDeltas.set(id, d);
    }
  }

  private lastTarget: FollowerTarget | null = null;

  /** Persists positions, equity and follow states; applies the drawdown and loss stops. */
  private async afterRun(): Promise<void> {
    const f = this.follower!;
    const marks = this.deps.market.prices;
    for (const coin of new Set([...this.positions.keys(), ...this.desired.keys()])) {
      const p = this.positions.get(coin) ?? { size: 0, entryPx: 0, leverage: null };
      this.deps.flusher.position(this.id, { coin, size: p.size, entryPx: p.entryPx, desiredSize: this.desired.get(coin) ?? 0, leverage: p.leverage });
    }
    if (f.mode === 'paper') {
      const unrealized = [...this.positions].reduce((s, [coin, p]) => s + unrealizedPnl(p, marks.get(coin) ?? p.entryPx), 0);
      f.equityUsd = f.paperEquityUsd + f.realizedPnlUsd - f.feesUsd + unrealized;
      f.peakEquityUsd = Math.max(f.peakEquityUsd, f.equityUsd);
    }
    this.deps.flusher.equityOf(this.id, f.equityUsd, this.pendingEquity.realized, this.pendingEquity.fees);
    this.pendingEquity.realized = 0;
    this.pendingEquity.fees = 0;
    for (const follow of this.follows) {
      const d = this.followDeltas.get(follow.id) ?? { realized: 0, fees: 0 };
      follow.realizedPnlUsd += d.realized;
      follow.feesUsd += d.fees;
      this.deps.flusher.follow(follow.id, follow.state, d.realized, d.fees);
      const held = (follow.state as HeldState | null)?.held ?? {};
      if (follow.status === 'removed' && Object.keys(held).length === 0) await this.deps.follows.markClosed(follow.id);
      if (follow.status === 'active' && follow.maxLossUsd !== null) {
        const pnl = follow.realizedPnlUsd - follow.feesUsd + Object.entries(held).reduce((s, [c, p]) => s + unrealizedPnl(p, marks.get(c) ?? p.entryPx), 0);
        if (followLossBreached(pnl, follow.maxLossUsd)) {
          await this.deps.follows.setStatus(follow.id, 'stopped', 'loss_stop');
          follow.status = 'stopped';
          await this.alert('loss_stop', `follow of ${follow.leader} stopped at PnL ${pnl.toFixed(2)} (max_loss_usd ${follow.maxLossUsd}); closing what it holds`);
          void this.push({ kind: 'retry' });
        }
      }
    }
    this.followDeltas.clear();
    if (f.status === 'active' && drawdownBreached(f.equityUsd, f.peakEquityUsd, f.maxDrawdownPct)) {
      await this.deps.followers.update(this.id, { status: 'stopped', stopReason: 'drawdown_stop' });
      f.status = 'stopped';
      f.stopReason = 'drawdown_stop';
      await this.alert('drawdown_stop', `equity ${f.equityUsd.toFixed(2)} fell more than ${f.maxDrawdownPct}% below its peak ${f.peakEquityUsd.toFixed(2)}; stopped, closing positions`);
      void this.push({ kind: 'retry' });
    }
    await this.checkAllowance();
  }

  /** Every ALLOWANCE_EVERY_ORDERS orders: the address allowance (10,000 + 1 per USDC traded); alert before it runs out. */
  private async checkAllowance(): Promise<void> {
    if (this.ordersSinceAllowance < ALLOWANCE_EVERY_ORDERS) return;
    this.ordersSinceAllowance = 0;
    const a = await this.executor!.allowance().catch(() => null);
    if (a && a.cap > 0 && (a.cap - a.used) / a.cap < ALLOWANCE_ALERT_LEFT) {
      await this.alert('request_allowance_low', `address allowance: ${a.used} of ${a.cap} requests used`);
    }
  }

  private async alertOnce(key: string, kind: string, message: string): Promise<void> {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    await this.alert(kind, message);
  }

  private async alert(kind: string, message: string): Promise<void> {
    const a = await this.deps.state.addAlert(this.id, kind, message);
    this.deps.publishAlert({ follower_id: this.id, kind, message, timestamp: a.createdAt.toISOString() } satisfies AlertView);
  }
}
