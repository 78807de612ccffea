import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toTradeEventPayload, TradeEventPayload, TradeEventRow } from './trade-event.payload';

/** trade_events as an outbox: rows stay unpublished until Redis has them. */
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
}
