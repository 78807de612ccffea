import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { diffPositions, PositionChange, PositionLike } from './position-diff';
import { applyTrade, formatDecimal, toDecimal } from './position-math';

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

  constructor(private readonly horizonMs = 300_000) {}

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
      let list = this.recent.get(address);
      if (!list) this.recent.set(address, (list = []));
      const applied = trader !== undefined && trade.time > trader.baselineAt;
      list.push({ coin: trade.coin, tid: trade.tid, time: trade.time, side, sz: trade.sz, px: trade.px, applied });
    }
  }

  /** Remembers a trade for both parties and applies it to those who are baselined. */
  applyTrade(trade: WsTrade, out: Changes): void {
    this.applyParty(trade, trade.buyer, 'B', out);
    this.applyParty(trade, trade.seller, 'A', out);
  }

  private applyParty(trade: WsTrade, address: string, side: 'B' | 'A', out: Changes): void {
    const trader = this.traders.get(address);
    const recent: RecentTrade = { coin: trade.coin, tid: trade.tid, time: trade.time, side, sz: trade.sz, px: trade.px, applied: false };
    let list = this.recent.get(address);
    if (!list) this.recent.set(address, (list = []));
    list.push(recent);
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
   * A snapshot taken at `time`: the first one sets the baseline (and replays newer trades seen
   * meanwhile); later ones are compared with the stream's positions as of `time`, and any
   * difference becomes `snapshot` events and a reset.
   */
  applySnapshot(snap: SnapshotInput, out: Changes, now = Date.now()): SnapshotOutcome {
    const unused = { events: [], baseline: false, corrected: false, stale: false, superseded: false };
    if (snap.time < now - this.horizonMs) return { ...unused, stale: true };
    const existing = this.traders.get(snap.address);
    if (existing && snap.time <= existing.baselineAt) return { ...unused, superseded: true };
    const recent = this.recent.get(snap.address) ?? [];
    const later = recent.filter((t) => t.time > snap.time);
    // A trade stamped with the snapshot's own millisecond may or may not be in it.
    if (recent.some((t) => t.time === snap.time)) out.ambiguous.add(snap.address);
    const eventsBefore = out.events.length;
    out.touched.add(snap.address);

    if (!existing) {
      const trader: LiveTrader = { traderId: snap.traderId, address: snap.address, baselineAt: snap.time, positions: toMap(snap.positions) };
      this.traders.set(snap.address, trader);
      for (const t of later) {
        t.applied = true;
        this.advance(trader, t, out, true);
      }
      return { events: out.events.slice(eventsBefore), baseline: true, corrected: false, stale: false, superseded: false };
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
    for (const change of changes) {
      out.events.push({
        traderId: existing.traderId,
        address: existing.address,
        source: 'snapshot',
        time: snap.time,
        dedupeKey: `snap:${existing.traderId}:${change.coin}:${snap.time}`,
        change,
      });
    }
    return { events: out.events.slice(eventsBefore), baseline: false, corrected: changes.length > 0, stale: false, superseded: false };
  }

  /** Forgets recent trades older than the horizon. */
  prune(now = Date.now()): void {
    const cutoff = now - this.horizonMs;
    for (const [address, list] of this.recent) {
      let i = 0;
      while (i < list.length && list[i].time < cutoff) i++;
      if (i === list.length) this.recent.delete(address);
      else if (i > 0) list.splice(0, i);
    }
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
