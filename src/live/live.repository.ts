import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toTradeEventPayload, TradeEventPayload, TradeEventRow } from '../events/trade-event.payload';
import { withDeadlockRetry } from '../database/deadlock-retry';
import type { FillRow, LiveEvent, LiveTrader } from './live-book';

export interface SnapshotRecord {
  traderId: string;
  time: number;
  accountValue: string;
  totalNtlPos: string;
  positions: unknown;
  raw: unknown;
  /** Store the full snapshot in user_state_history (baseline or correction). */
  keepHistory: boolean;
}

export interface LiveBatch {
  /** Current positions of every trader the batch touched. */
  positions: Array<{ traderId: string; coin: string; szi: string; entryPx: string | null }>;
  touchedTraderIds: string[];
  /** Traders reset to a snapshot in this batch, with the snapshot's time. */
  baselines: Array<{ traderId: string; time: number }>;
  fills: FillRow[];
  events: LiveEvent[];
  snapshots: SnapshotRecord[];
  checkpoints: Record<string, string>;
}

/** Persistence of the live applier: state in, one transaction per batch out. */
@Injectable()
export class LiveRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async loadTraders(): Promise<LiveTrader[]> {
    const rows: Array<{ id: string; address: string; baseline_ms: string; positions: Array<{ coin: string; szi: string; entry_px: string | null }> | null }> =
      await this.db.query(`
        SELECT t.id, t.address, (extract(epoch FROM t.live_baseline_at) * 1000)::bigint::text AS baseline_ms,
               (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text, 'entry_px', p.entry_px::text))
                  FROM trader_positions p WHERE p.trader_id = t.id) AS positions
          FROM traders t WHERE t.live_baseline_at IS NOT NULL`);
    return rows.map((r) => ({
      traderId: r.id,
      address: r.address,
      baselineAt: Number(r.baseline_ms),
      positions: new Map((r.positions ?? []).map((p) => [p.coin, { szi: p.szi, entryPx: p.entry_px }])),
    }));
  }

  async loadCheckpoints(): Promise<Record<string, string>> {
    const rows: Array<{ name: string; position: string }> = await this.db.query('SELECT name, position FROM stream_checkpoints');
    return Object.fromEntries(rows.map((r) => [r.name, r.position]));
  }

  /** Trades the applier applied recently (to place snapshots in time after a restart). */
  async recentAppliedFills(sinceMs: number): Promise<Array<FillRow & { address: string }>> {
    const rows: Array<{ trader_id: string; address: string; coin: string; tid: string; time_ms: string; side: 'A' | 'B'; px: string; sz: string }> =
      await this.db.query(
        `SELECT f.trader_id, t.address, f.coin, f.tid::text, (extract(epoch FROM f.time) * 1000)::bigint::text AS time_ms,
                f.side, f.px::text, f.sz::text
           FROM trader_fills f JOIN traders t ON t.id = f.trader_id
          WHERE f.source = 'stream' AND f.time > to_timestamp($1::bigint / 1000.0) ORDER BY f.time`,
        [String(sinceMs)],
      );
    return rows.map((r) => ({
      traderId: r.trader_id,
      address: r.address,
      coin: r.coin,
      tid: Number(r.tid),
      time: Number(r.time_ms),
      side: r.side,
      px: r.px,
      sz: r.sz,
      startPosition: '0',
      dir: '',
      closedPnl: null,
    }));
  }

  /** Commits a batch atomically (positions, fills, events, snapshots, checkpoints); returns the new events. */
  async commit(batch: LiveBatch): Promise<TradeEventPayload[]> {
    return withDeadlockRetry(() => this.commitOnce(batch));
  }

  private commitOnce(batch: LiveBatch): Promise<TradeEventPayload[]> {
    return this.db.transaction(async (tx) => {
      // Lock the trader rows this batch updates in address order, the order discovery's upsert
      // takes them in, so the two never deadlock.
      const ids = [...new Set([...batch.baselines.map((b) => b.traderId), ...batch.snapshots.map((x) => x.traderId)])];
      if (ids.length > 0) {
        await tx.query('SELECT 1 FROM traders WHERE id = ANY($1::bigint[]) ORDER BY address FOR UPDATE', [ids]);
      }
      await this.writePositions(tx, batch);
      await this.writeFills(tx, batch.fills);
      await this.writeSnapshots(tx, batch.snapshots);
      for (const [name, position] of Object.entries(batch.checkpoints)) {
        await tx.query(
          `INSERT INTO stream_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [name, position],
        );
      }
      return this.writeEvents(tx, batch.events);
    });
  }

  private async writePositions(tx: EntityManager, batch: LiveBatch): Promise<void> {
    if (batch.touchedTraderIds.length === 0) return;
    const p = batch.positions;
    await tx.query(
      `DELETE FROM trader_positions tp
        WHERE tp.trader_id = ANY($1::bigint[])
          AND NOT EXISTS (SELECT 1 FROM unnest($2::bigint[], $3::varchar[]) AS k(trader_id, coin)
                           WHERE k.trader_id = tp.trader_id AND k.coin = tp.coin)`,
      [batch.touchedTraderIds, p.map((x) => x.traderId), p.map((x) => x.coin)],
    );
    const confirmed = new Set(batch.baselines.map((b) => b.traderId));
    if (p.length > 0) {
      await tx.query(
        `INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at, confirmed_at, source)
         SELECT trader_id, coin, szi, entry_px, now(), CASE WHEN confirmed THEN now() END, 'stream'
           FROM unnest($1::bigint[], $2::varchar[], $3::numeric[], $4::numeric[], $5::boolean[])
             AS x(trader_id, coin, szi, entry_px, confirmed)
         ON CONFLICT (trader_id, coin) DO UPDATE SET
           szi = EXCLUDED.szi, entry_px = EXCLUDED.entry_px,
           updated_at = CASE WHEN trader_positions.szi = EXCLUDED.szi THEN trader_positions.updated_at ELSE now() END,
           confirmed_at = COALESCE(EXCLUDED.confirmed_at, trader_positions.confirmed_at)`,
        [p.map((x) => x.traderId), p.map((x) => x.coin), p.map((x) => x.szi), p.map((x) => x.entryPx), p.map((x) => confirmed.has(x.traderId))],
      );
    }
    if (batch.baselines.length > 0) {
      await tx.query(
        `UPDATE traders t SET live_baseline_at = to_timestamp(b.ms / 1000.0)
           FROM unnest($1::bigint[], $2::bigint[]) AS b(id, ms) WHERE t.id = b.id`,
        [batch.baselines.map((b) => b.traderId), batch.baselines.map((b) => String(b.time))],
      );
    }
  }

  private async writeFills(tx: EntityManager, fills: FillRow[]): Promise<void> {
    if (fills.length === 0) return;
    await tx.query(
      `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, source)
       SELECT trader_id, coin, tid, to_timestamp(ms / 1000.0), side, px, sz, start_position, dir, closed_pnl, 'stream'
         FROM unnest($1::bigint[], $2::varchar[], $3::bigint[], $4::bigint[], $5::char[], $6::numeric[], $7::numeric[],
                     $8::numeric[], $9::varchar[], $10::numeric[])
           AS f(trader_id, coin, tid, ms, side, px, sz, start_position, dir, closed_pnl)
       ON CONFLICT (trader_id, coin, tid) DO NOTHING`,
      [
        fills.map((f) => f.traderId),
        fills.map((f) => f.coin),
        fills.map((f) => String(f.tid)),
        fills.map((f) => String(f.time)),
        fills.map((f) => f.side),
        fills.map((f) => f.px),
        fills.map((f) => f.sz),
        fills.map((f) => f.startPosition),
        fills.map((f) => f.dir),
        fills.map((f) => f.closedPnl),
      ],
    );
  }

  private async writeSnapshots(tx: EntityManager, snaps: SnapshotRecord[]): Promise<void> {
    if (snaps.length === 0) return;
    const at = snaps.map((s) => String(s.time));
    await tx.query(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
       SELECT id, to_timestamp(ms / 1000.0), av, ntl FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[]) AS s(id, ms, av, ntl)
       ON CONFLICT DO NOTHING`,
      [snaps.map((s) => s.traderId), at, snaps.map((s) => s.accountValue), snaps.map((s) => s.totalNtlPos)],
    );
    await tx.query(
      `UPDATE traders t SET account_value = s.av FROM unnest($1::bigint[], $2::numeric[]) AS s(id, av) WHERE t.id = s.id`,
      [snaps.map((s) => s.traderId), snaps.map((s) => s.accountValue)],
    );
    const kept = snaps.filter((s) => s.keepHistory);
    if (kept.length > 0) {
      await tx.query(
        `INSERT INTO user_state_history (trader_id, captured_at, account_value, total_ntl_pos, positions, state_data)
         SELECT id, to_timestamp(ms / 1000.0), av, ntl, pos, raw
           FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::jsonb[], $6::jsonb[]) AS s(id, ms, av, ntl, pos, raw)`,
        [
          kept.map((s) => s.traderId),
          kept.map((s) => String(s.time)),
          kept.map((s) => s.accountValue),
          kept.map((s) => s.totalNtlPos),
          kept.map((s) => JSON.stringify(s.positions)),
          kept.map((s) => JSON.stringify(s.raw)),
        ],
      );
    }
  }

  private async writeEvents(tx: EntityManager, events: LiveEvent[]): Promise<TradeEventPayload[]> {
    if (events.length === 0) return [];
    const rows: TradeEventRow[] = await tx.query(
      `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key, created_at)
       SELECT trader_id, address, details->>'coin', event_type, source, to_timestamp(ms / 1000.0), details, dedupe_key,
              clock_timestamp()
         FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[], $6::jsonb[], $7::varchar[])
           WITH ORDINALITY AS e(trader_id, address, event_type, source, ms, details, dedupe_key, ord)
        ORDER BY ord
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, trader_id, trader_address, timestamp, event_type, details`,
      [
        events.map((e) => e.traderId),
        events.map((e) => e.address),
        events.map((e) => e.change.event_type),
        events.map((e) => e.source),
        events.map((e) => String(e.time)),
        events.map((e) => {
          const { event_type: _type, ...details } = e.change;
          return JSON.stringify({ ...details, source: e.source });
        }),
        events.map((e) => e.dedupeKey),
      ],
    );
    return rows.map(toTradeEventPayload).sort((a, b) => a.id - b.id);
  }
}
