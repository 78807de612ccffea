import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FillsRepository } from '../discovery/fills.repository';
import { EventOutboxRepository } from '../events/event-outbox.repository';
import { TradersRepository } from '../traders/data/traders.repository';

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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly traders: TradersRepository,
    private readonly events: EventOutboxRepository,
    private readonly fills: FillsRepository,
  ) {}

  /**
   * Exception to one-repository-per-table-family: the last computed generation is read here until
   * the leaderboard (being reworked) exports it; the rest is asked of the owners.
   */
  async freshness(): Promise<Freshness> {
    const [[row], newestTradeAt, tracking] = await Promise.all([
      this.db.query(
        `SELECT (SELECT computed_at FROM leaderboard_generations
                  WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1) AS leaderboard_computed_at`,
      ),
      this.fills.newestTradeAt(),
      this.traders.trackingFreshness(),
    ]);
    return {
      newestTradeAt,
      oldestTrackedAt: tracking.oldestTrackedAt,
      neverTracked: tracking.neverTracked,
      leaderboardComputedAt: row.leaderboard_computed_at,
    };
  }

  /** Traders and stored events: exact up to EXACT_COUNT_LIMIT rows each, the planner's estimates above. */
  async counts(): Promise<DatabaseCounts> {
    const [traders, events] = await Promise.all([this.traders.totals(), this.events.count()]);
    return { totalTraders: traders.total, activeTraders: traders.active, totalTradeEvents: events.n, exact: traders.exact && events.exact };
  }

  /** Exception to one-repository-per-table-family (the leaderboard's exchange-board tables): see `freshness`. */
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
