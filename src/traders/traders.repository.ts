import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TradeEventRow } from '../events/trade-event.payload';

export interface TraderRow {
  id: string;
  address: string;
  first_seen_at: Date;
  last_seen_trading_at: Date | null;
  last_tracked_at: Date | null;
  is_active: boolean;
  is_vault: boolean;
  role: string | null;
  account_value: string | null;
  trades_seen: string;
}

export interface PositionRow {
  coin: string;
  szi: string;
  entry_px: string | null;
  updated_at: Date;
  confirmed_at: Date | null;
}

export interface HistoryRow {
  time: Date;
  account_value: string;
  total_ntl_pos: string;
}

/** Above this many rows the trader list's total is the planner's estimate, not count(*) (~45 ms per 1M rows). */
export const EXACT_COUNT_LIMIT = 1_000_000;

const TRADER_COLUMNS = `id, address, first_seen_at, last_seen_trading_at, last_tracked_at, is_active, is_vault,
  role, account_value::text AS account_value, trades_seen`;

/** The trade_events columns as published (the coin and source columns are authoritative). */
const EVENT_COLUMNS = `id, trader_id, trader_address, timestamp, event_type,
  details || jsonb_build_object('coin', coin, 'source', source) AS details`;

/** Read-only queries behind the traders and events routes. */
@Injectable()
export class TradersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Most recently trading first; `prefix` is a lower-case `0x…` address prefix. */
  async list(prefix: string | null, limit: number, offset: number): Promise<TraderRow[]> {
    const where = prefix ? `WHERE address LIKE $3` : '';
    return this.db.query(
      `SELECT ${TRADER_COLUMNS} FROM traders ${where}
        ORDER BY last_seen_trading_at DESC NULLS LAST, id DESC
        LIMIT $1 OFFSET $2`,
      prefix ? [limit, offset, `${prefix}%`] : [limit, offset],
    );
  }

  async count(prefix: string | null): Promise<number> {
    if (prefix) {
      const [row] = await this.db.query(`SELECT count(*)::bigint AS n FROM traders WHERE address LIKE $1`, [`${prefix}%`]);
      return Number(row.n);
    }
    return this.countTable('traders');
  }

  /** Exact count(*) up to EXACT_COUNT_LIMIT rows, the planner's estimate above (of a partitioned table: its partitions' sum). */
  async countTable(table: 'traders' | 'trade_events'): Promise<number> {
    const [est] = await this.db.query(
      `SELECT (CASE WHEN c.relkind <> 'p' THEN c.reltuples ELSE (SELECT CASE WHEN bool_or(k.reltuples >= 0) THEN sum(greatest(k.reltuples, 0)) ELSE -1 END
                 FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid) END)::bigint AS n
         FROM pg_class c WHERE oid = $1::regclass`,
      [table],
    );
    const estimate = Number(est?.n ?? -1);
    if (estimate > EXACT_COUNT_LIMIT) return estimate;
    const [row] = await this.db.query(`SELECT count(*)::bigint AS n FROM ${table}`);
    return Number(row.n);
  }

  async findByAddress(address: string): Promise<TraderRow | null> {
    const rows: TraderRow[] = await this.db.query(`SELECT ${TRADER_COLUMNS} FROM traders WHERE address = $1`, [address]);
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<TraderRow | null> {
    const rows: TraderRow[] = await this.db.query(`SELECT ${TRADER_COLUMNS} FROM traders WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Non-zero positions, largest coin first by name. */
  async openPositions(traderId: string): Promise<PositionRow[]> {
    return this.db.query(
      `SELECT coin, szi::text AS szi, entry_px::text AS entry_px, updated_at, confirmed_at
         FROM trader_positions
        WHERE trader_id = $1 AND szi <> 0
        ORDER BY coin`,
      [traderId],
    );
  }

  /** Newest first; `before` is an id cursor. */
  async events(traderId: string | null, limit: number, before: string | null): Promise<TradeEventRow[]> {
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

  /** The newest `limit` points in [from, to], returned oldest first. */
  async history(traderId: string, from: Date | null, to: Date | null, limit: number): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = await this.db.query(
      `SELECT time, account_value::text AS account_value, total_ntl_pos::text AS total_ntl_pos
         FROM account_value_points
        WHERE trader_id = $1
          AND ($2::timestamptz IS NULL OR time >= $2)
          AND ($3::timestamptz IS NULL OR time <= $3)
        ORDER BY time DESC
        LIMIT $4`,
      [traderId, from, to, limit],
    );
    return rows.reverse();
  }
}
