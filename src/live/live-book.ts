import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { diffPositions, PositionChange, PositionLike } from './position-diff';
import { applyTrade, formatDecimal, toDecimal } from './position-math';
import { DEFAULT_FIRST_SIGHT, FirstSightDropReason, FirstSightLimits, unwindTrade, UnplacedReason } from './first-sight';

export interface LivePosition {
  szi: string;
  entryPx: string | null;
}

export interface LiveTrader {
  traderId: string;
  address: string;
  /** Exchange time (ms) of the snapshot the positions were last reset to; older trades are in it. */
  baselineAt: number;
  positions: Map<string, LivePosition>;
}

/** A trade as one party saw it, kept for a while so snapshots can be placed in time. */
interface RecentTrade {
  coin: string;
  tid: number;
  time: number;
  side: 'B' | 'A';
  sz: string;
  px: string;
  /** Applied to this trader's live positions (it was baselined, and the trade was newer). */
  applied: boolean;
}

export interface FillRow {
  traderId: string;
  coin: string;
  tid: number;
  time: number;
  side: 'B' | 'A';
  px: string;
  sz: string;
  startPosition: string;
  dir: string;
  closedPnl: string | null;
}

export interface LiveEvent {
  traderId: string;
  address: string;
  source: 'stream' | 'snapshot';
  time: number;
  dedupeKey: string;
  change: PositionChange;
}

export interface SnapshotInput {
  traderId: string;
  address: string;
  /** Exchange time of the snapshot (ms). */
  time: number;
  positions: PositionLike[];
  /** True when some position could not be parsed: never read its absence as a close. */
  partial: boolean;
  marks?: Record<string, string>;
  /** False when the exchange gave no time and `time` is the fetcher's clock (cannot be placed exactly). */
  timeKnown?: boolean;
}

export interface SnapshotOutcome {
  events: LiveEvent[];
  baseline: boolean;
  /** Positions disagreed with what the stream had built (missed trades, liquidation, ADL…). */
  corrected: boolean;
  /** The snapshot was older than the recent-trade horizon and was not used. */
  stale: boolean;
  /**
   * The trader's baseline is as new or newer (snapshots reached the engine out of order, or one
   * was read again after a restart): the stream has applied everything since, so it is not used.
   */
  superseded: boolean;
  /** A first snapshot: kept trades replayed as stream events, or why it could not be placed. */
  firstSight?: { replayed: number; unplaced: UnplacedReason | null };
}

export interface Changes {
  fills: FillRow[];
  events: LiveEvent[];
  /** Traders whose positions changed (to persist). */
  touched: Set<string>;
  /** Baselined traders with a trade in their baseline's own millisecond (in the snapshot or not: unknowable). */
  ambiguous: Set<string>;
}

/**
 * The live positions of every baselined trader, advanced by each public trade (buyer +sz,
 * seller −sz, average-cost entry, realized PnL on reductions) and reset by snapshots. Pure and
 * synchronous: the applier feeds it trades and snapshots in any interleaving and persists what it
 * returns. Time rules make the interleaving safe: a trade at or before a trader's baseline is
 * already in it; a snapshot is placed in time using the trades applied after it.
 */
export class LiveBook {
  private readonly traders = new Map<string, LiveTrader>();
  private readonly recent = new Map<string, RecentTrade[]>();
  /** Traders without a baseline that have kept trades, in order of their oldest kept trade. */
  private readonly unseen = new Set<string>();
  private unseenTrades = 0;
  /** Per trader without a baseline: exchange time of the newest trade dropped from its buffer. */
  private readonly droppedUntil = new Map<string, number>();
  private readonly dropped: Record<FirstSightDropReason, number> = { per_trader: 0, global: 0, age: 0 };

  constructor(
    private readonly horizonMs = 300_000,
    private readonly firstSight: FirstSightLimits = DEFAULT_FIRST_SIGHT,
  ) {}

  /** Trades dropped from first-sight buffers since the last call, by reason (then reset). */
  takeDropped(): Record<FirstSightDropReason, number> {
    const out = { ...this.dropped };
    this.dropped.per_trader = this.dropped.global = this.dropped.age = 0;
    return out;
  }

  /** Trades kept for traders without a baseline. */
  get keptTrades(): number {
    return this.unseenTrades;
  }

  get size(): number {
    return this.traders.size;
  }

  load(trader: LiveTrader): void {
    this.traders.set(trader.address, trader);
  }

  get(address: string): LiveTrader | undefined {
    return this.traders.get(address);
  }

  /**
   * After a restart: a trade the applier read before its last commit, remembered for both parties
   * so later snapshots can be placed in time. It was applied exactly when its party was baselined
   * before it (a later baseline replays newer trades, so the rule holds whatever the interleaving).
   */
  rememberTrade(trade: WsTrade): void {
    for (const [address, side] of [[trade.buyer, 'B'], [trade.seller, 'A']] as const) {
      const trader = this.traders.get(address);
      const applied = trader !== undefined && trade.time > trader.baselineAt;
      this.keep(address, { coin: trade.coin, tid: trade.tid, time: trade.time, side, sz: trade.sz, px: trade.px, applied }, trader !== undefined);
    }
  }

  /**
   * Keeps a trade in its party's recent list. For a trader without a baseline the list is its
   * first-sight buffer: the newest `perTrader` trades, and `global` over all such traders (the
   * oldest trader's buffer goes first); what is dropped is counted and remembered by time, so a
   * first snapshot older than a dropped trade is known not to be placeable.
   */
  private keep(address: string, t: RecentTrade, baselined: boolean): void {
    let list = this.recent.get(address);
    if (!list) this.recent.set(address, (list = []));
    list.push(t);
    if (baselined) return;
    if (!this.unseen.has(address)) this.unseen.add(address);
    this.unseenTrades++;
    if (list.length > this.firstSight.perTrader) {
      this.dropOldest(address, list, list.length - this.firstSight.perTrader, 'per_trader');
    }
    while (this.unseenTrades > this.firstSight.global && this.unseen.size > 0) {
      const oldest = this.unseen.values().next().value as string;
      const buffer = this.recent.get(oldest) ?? [];
      this.dropOldest(oldest, buffer, buffer.length, 'global');
      this.recent.delete(oldest);
      this.unseen.delete(oldest);
    }
  }

  private dropOldest(address: string, list: RecentTrade[], n: number, reason: FirstSightDropReason): void {
    const gone = list.splice(0, n);
    if (gone.length === 0) return;
    this.unseenTrades -= gone.length;
    this.dropped[reason] += gone.length;
    const newest = Math.max(...gone.map((g) => g.time));
    this.droppedUntil.set(address, Math.max(this.droppedUntil.get(address) ?? 0, newest));
  }

  /** Remembers a trade for both parties and applies it to those who are baselined. */
  applyTrade(trade: WsTrade, out: Changes): void {
    this.applyParty(trade, trade.buyer, 'B', out);
    this.applyParty(trade, trade.seller, 'A', out);
  }

  private applyParty(trade: WsTrade, address: string, side: 'B' | 'A', out: Changes): void {
    const trader = this.traders.get(address);
    const recent: RecentTrade = { coin: trade.coin, tid: trade.tid, time: trade.time, side, sz: trade.sz, px: trade.px, applied: false };
    this.keep(address, recent, trader !== undefined);
    if (!trader || trade.time <= trader.baselineAt) {
      if (trader && trade.time === trader.baselineAt) out.ambiguous.add(address);
      return;
    }
    recent.applied = true;
    this.advance(trader, recent, out, true);
  }

  private advance(trader: LiveTrader, t: RecentTrade, out: Changes | null, emit: boolean): void {
    const before = trader.positions.get(t.coin) ?? null;
    const result = applyTrade(before, t.side, t.sz, t.px);
    const after: LivePosition = { szi: result.szi, entryPx: result.entryPx };
    if (toDecimal(after.szi).isZero()) trader.positions.delete(t.coin);
    else trader.positions.set(t.coin, after);
    if (!out) return;
    out.touched.add(trader.address);
    out.fills.push({
      traderId: trader.traderId,
      coin: t.coin,
      tid: t.tid,
      time: t.time,
      side: t.side,
      px: t.px,
      sz: t.sz,
      startPosition: before?.szi ?? '0',
      dir: result.dir,
      closedPnl: result.realizedPnl,
    });
    if (!emit) return;
    const [change] = diffPositions(before ? [{ coin: t.coin, ...before }] : [], [{ coin: t.coin, ...after }], {
      markPrices: { [t.coin]: t.px },
    });
    if (change) {
      out.events.push({
        traderId: trader.traderId,
        address: trader.address,
        source: 'stream',
        time: t.time,
        dedupeKey: `stream:${trader.traderId}:${t.coin}:${t.tid}`,
        change,
      });
    }
  }

  /**
   * A snapshot taken at `time`: the first one sets the baseline (see `baseline`); later ones are
   * compared with the stream's positions as of `time`, and any difference becomes `snapshot`
   * events and a reset.
   */
  applySnapshot(snap: SnapshotInput, out: Changes, now = Date.now()): SnapshotOutcome {
    const unused = { events: [], baseline: false, corrected: false, stale: false, superseded: false };
    const existing = this.traders.get(snap.address);
    if (snap.time < now - (existing ? this.horizonMs : Math.max(this.horizonMs, this.firstSight.maxAgeMs))) return { ...unused, stale: true };
    if (existing && snap.time <= existing.baselineAt) return { ...unused, superseded: true };
    const recent = this.recent.get(snap.address) ?? [];
    const later = recent.filter((t) => t.time > snap.time);
    // A trade stamped with the snapshot's own millisecond may or may not be in it.
    if (recent.some((t) => t.time === snap.time)) out.ambiguous.add(snap.address);
    const eventsBefore = out.events.length;
    out.touched.add(snap.address);

    if (!existing) {
      const firstSight = this.baseline(snap, recent, out);
      return { events: out.events.slice(eventsBefore), baseline: true, corrected: false, stale: false, superseded: false, firstSight };
    }

    // Reset to the exchange's positions (and entry prices) as of the snapshot, then re-apply the
    // trades applied after it. The positions move by exactly (snapshot − stream view as of its
    // time); events describe that move from the live view before to the live view after, so each
    // trader's event chain stays continuous.
    const before = [...existing.positions].map(([coin, p]) => ({ coin, ...p }));
    // A partial snapshot (an unparsable position) leaves the coins it does not show untouched.
    const shown = new Set(snap.positions.map((p) => p.coin));
    const kept = snap.partial ? [...existing.positions].filter(([coin]) => !shown.has(coin)) : [];
    existing.positions = new Map([...kept, ...toMap(snap.positions)]);
    existing.baselineAt = snap.time;
    for (const t of later) {
      if (!t.applied || (snap.partial && !shown.has(t.coin))) continue;
      this.advance(existing, t, null, false);
    }
    const after = [...existing.positions].map(([coin, p]) => ({ coin, ...p }));
    const changes = diffPositions(before, after, { markPrices: snap.marks });
    this.pushSnapshotEvents(existing, changes, snap.time, out);
    return { events: out.events.slice(eventsBefore), baseline: false, corrected: changes.length > 0, stale: false, superseded: false };
  }

  /**
   * A first snapshot. The kept trades at or before it are in it: unwound from the snapshot's
   * positions they give the position before the first of them, and replayed forward from there
   * they become the trader's first `stream` events (with the right `previous_size`); then the
   * snapshot's own positions (exact entries) and the newer trades apply as usual. A snapshot that
   * cannot be placed among the kept trades (its time unknown, trades after it dropped, a partial
   * read) becomes one `snapshot` event per position, from nothing known before.
   */
  private baseline(snap: SnapshotInput, recent: RecentTrade[], out: Changes): { replayed: number; unplaced: UnplacedReason | null } {
    const address = snap.address;
    const dropped = (this.droppedUntil.get(address) ?? -Infinity) > snap.time;
    // Nothing kept and nothing lost: a quiet baseline (no change was seen to report).
    const unplaced: UnplacedReason | null =
      recent.length === 0 && !dropped
        ? null
        : snap.timeKnown === false
        ? 'time_unknown'
        : dropped
          ? 'trades_dropped'
          : snap.partial && recent.length > 0
            ? 'partial'
            : null;
    const trader: LiveTrader = { traderId: snap.traderId, address, baselineAt: snap.time, positions: new Map() };
    this.traders.set(address, trader);
    this.unseen.delete(address);
    this.unseenTrades -= recent.length;
    this.droppedUntil.delete(address);
    const inSnapshot = unplaced ? [] : recent.filter((t) => t.time <= snap.time);
    if (unplaced) {
      const snapshot = [...toMap(snap.positions)].map(([coin, p]) => ({ coin, ...p }));
      this.pushSnapshotEvents(trader, diffPositions([], snapshot, { markPrices: snap.marks }), snap.time, out);
    } else {
      const start = toMap(snap.positions);
      for (let i = inSnapshot.length - 1; i >= 0; i--) {
        const t = inSnapshot[i];
        const before = unwindTrade(start.get(t.coin) ?? null, t.side, t.sz, t.px);
        if (before) start.set(t.coin, before);
        else start.delete(t.coin);
      }
      trader.positions = start;
      for (const t of inSnapshot) {
        t.applied = true;
        this.advance(trader, t, out, true);
      }
    }
    // The sizes now equal the snapshot's by construction; its entry prices are the exchange's.
    trader.positions = toMap(snap.positions);
    for (const t of recent) {
      if (t.time <= snap.time) continue;
      t.applied = true;
      this.advance(trader, t, out, true);
    }
    return { replayed: inSnapshot.length, unplaced };
  }

  private pushSnapshotEvents(trader: LiveTrader, changes: PositionChange[], time: number, out: Changes): void {
    for (const change of changes) {
      out.events.push({
        traderId: trader.traderId,
        address: trader.address,
        source: 'snapshot',
        time,
        dedupeKey: `snap:${trader.traderId}:${change.coin}:${time}`,
        change,
      });
    }
  }

  /**
   * Forgets recent trades older than the horizon (a baselined trader's) or the first-sight age
   * (a trader without a baseline: counted as dropped).
   */
  prune(now = Date.now()): void {
    const cutoff = now - this.horizonMs;
    const unseenCutoff = now - this.firstSight.maxAgeMs;
    for (const [address, list] of this.recent) {
      const unseen = !this.traders.has(address);
      const limit = unseen ? unseenCutoff : cutoff;
      let i = 0;
      while (i < list.length && list[i].time < limit) i++;
      if (unseen) this.dropOldest(address, list, i, 'age');
      else if (i > 0) list.splice(0, i);
      if (list.length === 0) {
        this.recent.delete(address);
        this.unseen.delete(address);
      }
    }
    for (const [address, until] of this.droppedUntil) if (until < unseenCutoff) this.droppedUntil.delete(address);
  }

  /** Live positions of a trader as position rows. */
  positionsOf(address: string): Array<{ coin: string } & LivePosition> {
    const t = this.traders.get(address);
    return t ? [...t.positions].map(([coin, p]) => ({ coin, ...p })) : [];
  }
}

function toMap(positions: readonly PositionLike[]): Map<string, LivePosition> {
  const map = new Map<string, LivePosition>();
  for (const p of positions) {
    if (toDecimal(p.szi).isZero()) continue;
    map.set(p.coin, { szi: formatDecimal(toDecimal(p.szi)), entryPx: p.entryPx ?? null });
  }
  return map;
}

export function emptyChanges(): Changes {
  return { fills: [], events: [], touched: new Set(), ambiguous: new Set() };
}
