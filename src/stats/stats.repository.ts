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
}
