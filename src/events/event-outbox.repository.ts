import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { countRows } from '../database/row-counts';
import { toTradeEventPayload, TradeEventPayload, TradeEventRow } from './trade-event.payload';

/** The trade_events columns as published (the coin and source columns are authoritative). */
const EVENT_COLUMNS = `id, trader_id, trader_address, timestamp, event_type,
  details || jsonb_build_object('coin', coin, 'source', source) AS details`;

/** How far back (in ids) `storedSince` may look: bounds the scan to the newest part of the primary key. */
const MAX_ID_SPAN = 50_000;

/**
 * The owner of `trade_events`: an outbox (rows stay unpublished until Redis has them) and the reads
 * of the events API, the gateway's backfill and the stats. The live applier inserts them in its
 * fenced batch statement (see LiveRepository.commit).
 */
@Injectable()
export class EventOutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async markPublished(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      'UPDATE trade_events SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL',
      [ids],
    );
  }

  /**
   * Takes unpublished events older than `graceMs` (the committing process normally publishes them
   * itself within milliseconds), publishes them through `publish` and marks them, under row locks
   * so two relays never take the same rows.
   */
  async relay(graceMs: number, limit: number, publish: (events: TradeEventPayload[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: TradeEventRow[] = await tx.query(
        `SELECT id, trader_id, trader_address, timestamp, event_type, details FROM trade_events
          WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $1)
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [graceMs / 1000, limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map(toTradeEventPayload));
      await tx.query('UPDATE trade_events SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Newest first; `traderId` null for all traders; `before` is an id cursor. */
  async page(traderId: string | null, limit: number, before: string | null): Promise<TradeEventRow[]> {
    const params: unknown[] = [limit];
    const conditions: string[] = [];
    if (traderId !== null) {
      params.push(traderId);
      conditions.push(`trader_id = $${params.length}`);
    }
    if (before !== null) {
      params.push(before);
      conditions.push(`id < $${params.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db.query(`SELECT ${EVENT_COLUMNS} FROM trade_events ${where} ORDER BY id DESC LIMIT $1`, params);
  }

  /** Events stored since `since` (oldest first, at most `limit`), as they are published. */
  async storedSince(since: Date, limit: number): Promise<TradeEventPayload[]> {
    const rows: TradeEventRow[] = await this.db.query(
      `SELECT ${EVENT_COLUMNS}
         FROM trade_events
        WHERE id > (SELECT coalesce(max(id), 0) - $3 FROM trade_events)
          AND created_at >= $1
        ORDER BY id
        LIMIT $2`,
      [since, limit, MAX_ID_SPAN],
    );
    return rows.map(toTradeEventPayload);
  }

  /** Stored events: exact up to EXACT_COUNT_LIMIT, the planner's estimate above. */
  async count(): Promise<{ n: number; exact: boolean }> {
    return countRows(this.db, 'trade_events');
  }
}
