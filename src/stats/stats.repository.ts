import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Above this many rows a count is the planner's estimate (count(*) costs ~45 ms per million rows). */
export const EXACT_COUNT_LIMIT = 1_000_000;

export interface DatabaseCounts {
  totalTraders: number;
  activeTraders: number;
  totalTradeEvents: number;
  exact: boolean;
}

export interface Freshness {
  newestTradeAt: Date | null;
  oldestTrackedAt: Date | null;
  neverTracked: number;
  leaderboardComputedAt: Date | null;
}

/** Day-one coverage: the exchange's leaderboard file and the backfill of its traders. */
export interface BackfillProgress {
  boardReadAt: Date | null;
  boardRows: number;
  seeded: number;
  backfilled: number;
}

/** Counts and data-freshness reads for /api/v1/stats and /health/traders. */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async counts(): Promise<DatabaseCounts> {
    // Estimates: the tables' and the active-traders partial index's row counts from the last ANALYZE
    // (trade_events is partitioned by day: the sum of its analyzed partitions).
    const estimates: Array<{ relname: string; n: string }> = await this.db.query(
      `SELECT relname, (CASE WHEN c.relkind <> 'p' THEN c.reltuples ELSE (SELECT CASE WHEN bool_or(k.reltuples >= 0) THEN sum(greatest(k.reltuples, 0)) ELSE -1 END
                 FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid) END)::bigint AS n FROM pg_class c
        WHERE oid IN ('traders'::regclass, 'trade_events'::regclass, 'idx_traders_tracking_queue'::regclass)`,
    );
    const est = (name: string) => Number(estimates.find((e) => e.relname === name)?.n ?? -1);
    const traders = est('traders');
    const events = est('trade_events');
    // -1: never analyzed (a new table), counted exactly.
    const [exactTraders, exactEvents] = [traders <= EXACT_COUNT_LIMIT, events <= EXACT_COUNT_LIMIT];
    const [t] = exactTraders
      ? await this.db.query(`SELECT count(*)::bigint AS total, count(*) FILTER (WHERE is_active)::bigint AS active FROM traders`)
      : [{ total: traders, active: est('idx_traders_tracking_queue') }];
    const [e] = exactEvents ? await this.db.query(`SELECT count(*)::bigint AS n FROM trade_events`) : [{ n: events }];
    return {
      totalTraders: Number(t.total),
      activeTraders: Number(t.active),
      totalTradeEvents: Number(e.n),
      exact: exactTraders && exactEvents,
    };
  }

  async freshness(): Promise<Freshness> {
    const [row] = await this.db.query(
      // A stored trade timed in the future (a bad row) is not the newest trade.
      `SELECT (SELECT max(time) FROM fills WHERE time <= now() + interval '1 hour') AS newest_trade_at,
              (SELECT min(last_tracked_at) FROM traders WHERE is_active) AS oldest_tracked_at,
              (SELECT count(*) FROM traders WHERE is_active AND last_tracked_at IS NULL)::bigint AS never_tracked,
              (SELECT computed_at FROM leaderboard_generations
                WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1) AS leaderboard_computed_at`,
    );
    return {
      newestTradeAt: row.newest_trade_at,
      oldestTrackedAt: row.oldest_tracked_at,
      neverTracked: Number(row.never_tracked),
      leaderboardComputedAt: row.leaderboard_computed_at,
    };
  }

  async backfill(): Promise<BackfillProgress> {
    const [row] = await this.db.query(
      `SELECT f.fetched_at, coalesce(f.row_count, 0) AS row_count,
              (SELECT count(*) FROM exchange_board_rows)::int AS seeded,
              (SELECT count(*) FROM exchange_board_rows x JOIN trader_enrichment e ON e.trader_id = x.trader_id
                WHERE e.enriched_at IS NOT NULL)::int AS backfilled
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT fetched_at, row_count FROM exchange_board_fetches ORDER BY id DESC LIMIT 1) f ON true`,
    );
    return { boardReadAt: row.fetched_at, boardRows: row.row_count, seeded: row.seeded, backfilled: row.backfilled };
  }
}
