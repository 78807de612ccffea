/** Why a baselined trader's derived state looks wrong (the tracking queue reconciles it early). */
export type SuspectReason = 'liquidation_price' | 'below_maintenance' | 'same_millisecond';

export interface RiskSnapshot {
  accountValue: string;
  /** The exchange's crossMaintenanceMarginUsed (null in old recordings: that test is skipped). */
  maintenance: string | null;
  positions: Array<{ coin: string; szi: string; mark: string | null; liquidationPx: string | null }>;
}

interface Watched {
  accountValue: number;
  maintenance: number | null;
  positions: Array<{ coin: string; szi: number; mark: number | null; liq: number | null }>;
}

/**
 * What the stream cannot see: a backstop liquidation or ADL changes positions without a public
 * trade of the trader. Each baselined trader's last snapshot is watched against the stream's
 * latest prices: a position whose liquidation price the mark has crossed, or an account whose
 * value (the snapshot's, moved by its positions' price changes since) fell below the snapshot's
 * maintenance margin, is suspect. A trade stamped with its snapshot's own millisecond is suspect
 * too (the snapshot may or may not contain it). Each trader is reported once per snapshot and at
 * most once per `minReportIntervalMs` (a crossed liquidation price the exchange did not act on
 * costs one snapshot a minute, not one per sweep). Pure; prices are floats (a heuristic that
 * orders the queue, never a figure anyone reads).
 */
export class RiskWatch {
  private readonly watched = new Map<string, Watched>();
  /** When each trader was last reported: a snapshot that found nothing wrong does not bring it back sooner. */
  private readonly lastReportAt = new Map<string, number>();
  private readonly prices = new Map<string, number>();
  private readonly reported = new Set<string>();
  private readonly pending = new Map<string, SuspectReason>();

  constructor(private readonly minReportIntervalMs = 60_000) {}

  get size(): number {
    return this.watched.size;
  }

  /** A snapshot was applied: watch it from now on, and the trader may be reported again. */
  setSnapshot(address: string, snap: RiskSnapshot): void {
    if (this.lastReportAt.size > 2 * this.watched.size + 1000) this.forgetOldReports();
    const num = (v: string | null) => (v === null ? null : Number(v));
    this.watched.set(address, {
      accountValue: Number(snap.accountValue),
      maintenance: num(snap.maintenance),
      positions: snap.positions.map((p) => ({ coin: p.coin, szi: Number(p.szi), mark: num(p.mark), liq: num(p.liquidationPx) })),
    });
    this.reported.delete(address);
    this.pending.delete(address);
  }

  /** The latest public trade price of a coin. */
  observePrice(coin: string, px: string): void {
    this.prices.set(coin, Number(px));
  }

  /** A trade of the trader in its baseline's own millisecond. */
  ambiguous(address: string, now = Date.now()): void {
    this.report(address, 'same_millisecond', now);
  }

  /** Traders found suspect since the last call (each once per snapshot), checking every watched one now. */
  sweep(now = Date.now()): Array<{ address: string; reason: SuspectReason }> {
    for (const [address, w] of this.watched) {
      if (this.reported.has(address)) continue;
      const reason = this.check(w);
      if (reason) this.report(address, reason, now);
    }
    const out = [...this.pending].map(([address, reason]) => ({ address, reason }));
    this.pending.clear();
    return out;
  }

  private forgetOldReports(): void {
    const cutoff = Date.now() - this.minReportIntervalMs;
    for (const [address, at] of this.lastReportAt) if (at < cutoff) this.lastReportAt.delete(address);
  }

  private check(w: Watched): SuspectReason | null {
    let moved = 0;
    for (const p of w.positions) {
      const px = this.prices.get(p.coin);
      if (px === undefined) continue;
      if (p.liq !== null && p.liq > 0 && ((p.szi > 0 && px <= p.liq) || (p.szi < 0 && px >= p.liq))) return 'liquidation_price';
      if (p.mark !== null) moved += p.szi * (px - p.mark);
    }
    if (w.maintenance !== null && w.maintenance > 0 && w.accountValue + moved < w.maintenance) return 'below_maintenance';
    return null;
  }

  private report(address: string, reason: SuspectReason, now: number): void {
    if (this.reported.has(address)) return;
    const last = this.lastReportAt.get(address);
    if (last !== undefined && now - last < this.minReportIntervalMs) return;
    this.reported.add(address);
    this.lastReportAt.set(address, now);
    this.pending.set(address, reason);
  }
}
