import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TradeEventPayload, TradeEventRow, toTradeEventPayload } from '../events/trade-event.payload';

/** How far back (in ids) a backfill may look: bounds the scan to the newest part of the primary key. */
const MAX_ID_SPAN = 50_000;

/** Reads events stored while this process's Redis subscription was down. */
@Injectable()
export class EventBackfillRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Events stored since `since` (oldest first, at most `limit`), as they are published. */
  async storedSince(since: Date, limit: number): Promise<TradeEventPayload[]> {
    const rows: TradeEventRow[] = await this.db.query(
      `SELECT id, trader_id, trader_address, timestamp, event_type,
              details || jsonb_build_object('coin', coin, 'source', source) AS details
         FROM trade_events
        WHERE id > (SELECT coalesce(max(id), 0) - $3 FROM trade_events)
          AND created_at >= $1
        ORDER BY id
        LIMIT $2`,
      [since, limit, MAX_ID_SPAN],
    );
    return rows.map(toTradeEventPayload);
  }
}
