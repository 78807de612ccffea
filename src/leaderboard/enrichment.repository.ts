import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Fill } from '../hyperliquid/hyperliquid.types';

export interface EnrichmentClaim {
  traderId: string;
  address: string;
  /** Fills are complete from here (null: never fetched; -Infinity: the whole history). */
  fillsSince: Date | null;
  /** Fills are complete up to here (the previous fetch). */
  fillsUntil: Date | null;
}

export interface PortfolioPoint {
  time: number;
  accountValue: string;
  pnl: string | null;
}

/** Per-trader state and results of enrichment (trader_enrichment, trader_fills, trader_portfolio_points). */
@Injectable()
export class EnrichmentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims (with a lease) the most promising traders due for enrichment: on the newest board,
   * with trades or seeded from the exchange's leaderboard file (exchange-reported), never enriched
   * or not for `refreshHours`; the profitable first (realized or exchange-reported PnL over all
   * time), then by volume, then PnL.
   */
  async claim(worker: string, limit: number, refreshHours: number, leaseSeconds: number): Promise<EnrichmentClaim[]> {
    const rows: Array<{ trader_id: string; address: string; fills_since: Date | null; fills_until: Date | null }> = await this.db.query(
      `WITH g AS (
         SELECT id FROM leaderboard_generations WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1
       ), cand AS (
         SELECT m.trader_id
           FROM g
           JOIN leaderboard_metrics m ON m.generation = g.id AND m."window" = 'all'
           LEFT JOIN trader_enrichment e ON e.trader_id = m.trader_id
          WHERE (m.trades_count > 0 OR m.exchange_reported)
            AND (e.enriched_at IS NULL OR e.enriched_at < now() - $3::int * interval '1 hour')
            AND (e.claimed_until IS NULL OR e.claimed_until < now())
          ORDER BY coalesce(m.realized_pnl_usd > 0, false) DESC, m.total_volume_usd DESC, m.realized_pnl_usd DESC NULLS LAST, m.trader_id
          LIMIT $2
       ), claimed AS (
         INSERT INTO trader_enrichment AS e (trader_id, claimed_until, claimed_by)
         SELECT trader_id, now() + $4::int * interval '1 second', $1 FROM cand
         ON CONFLICT (trader_id) DO UPDATE SET claimed_until = EXCLUDED.claimed_until, claimed_by = EXCLUDED.claimed_by
          WHERE e.claimed_until IS NULL OR e.claimed_until < now()
         RETURNING e.trader_id, e.fills_since, e.fills_until
       )
       SELECT c.trader_id, t.address, c.fills_since, c.fills_until
         FROM claimed c JOIN traders t ON t.id = c.trader_id`,
      [worker, limit, refreshHours, leaseSeconds],
    );
    return rows.map((r) => ({ traderId: r.trader_id, address: r.address, fillsSince: r.fills_since, fillsUntil: r.fills_until }));
  }

  /** The exchange's fills win over ours (stream): closedPnl, fee, start position and direction. */
  async upsertFills(traderId: string, fills: readonly (Fill & { tid: number })[]): Promise<void> {
    if (fills.length === 0) return;
    // The leaderboard recomputes a trader whose rows changed in place (leaderboard_dirty).
    await this.db.query(
      `WITH up AS (
         INSERT INTO trader_fills AS f (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
         SELECT $1::bigint, coin, tid, to_timestamp(ms / 1000.0), side, px, sz, sp, dir, pnl, fee, 'exchange'
           FROM unnest($2::varchar[], $3::bigint[], $4::bigint[], $5::char[], $6::numeric[], $7::numeric[], $8::numeric[],
                       $9::varchar[], $10::numeric[], $11::numeric[]) AS u(coin, tid, ms, side, px, sz, sp, dir, pnl, fee)
         ON CONFLICT (trader_id, coin, tid, time) DO UPDATE SET
           closed_pnl = EXCLUDED.closed_pnl, fee = EXCLUDED.fee, start_position = EXCLUDED.start_position,
           dir = EXCLUDED.dir, source = 'exchange'
         RETURNING 1
       )
       INSERT INTO leaderboard_dirty (trader_id) SELECT $1::bigint WHERE EXISTS (SELECT 1 FROM up)`,
      [
        traderId,
        fills.map((x) => x.coin),
        fills.map((x) => String(x.tid)),
        fills.map((x) => String(x.time)),
        fills.map((x) => x.side),
        fills.map((x) => x.px),
        fills.map((x) => x.sz),
        fills.map((x) => x.startPosition),
        fills.map((x) => x.dir.slice(0, 32)),
        fills.map((x) => x.closedPnl),
        fills.map((x) => x.fee),
      ],
    );
  }

  async upsertPortfolio(traderId: string, points: readonly PortfolioPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.db.query(
      `WITH up AS (
         INSERT INTO trader_portfolio_points AS p (trader_id, time, account_value, pnl)
         SELECT $1::bigint, to_timestamp(ms / 1000.0), av, pnl
           FROM unnest($2::bigint[], $3::numeric[], $4::numeric[]) AS u(ms, av, pnl)
         ON CONFLICT (trader_id, time) DO UPDATE SET account_value = EXCLUDED.account_value, pnl = coalesce(EXCLUDED.pnl, p.pnl)
         RETURNING 1
       )
       INSERT INTO leaderboard_dirty (trader_id) SELECT $1::bigint WHERE EXISTS (SELECT 1 FROM up)`,
      [traderId, points.map((p) => String(p.time)), points.map((p) => p.accountValue), points.map((p) => p.pnl)],
    );
  }

  async finish(
    traderId: string,
    result: { fillsSince: Date | 'full' | null; fillsUntil: Date | null; fetched: number; portfolio: boolean },
  ): Promise<void> {
    await this.db.query(
      `UPDATE trader_enrichment
          SET fills_since = CASE WHEN $2::text = 'full' THEN '-infinity'::timestamptz
                                 WHEN $2::text IS NULL THEN fills_since ELSE ($2::text)::timestamptz END,
              fills_until = coalesce($3::timestamptz, fills_until),
              fills_fetched = fills_fetched + $4::bigint,
              portfolio_at = CASE WHEN $5::boolean THEN now() ELSE portfolio_at END,
              enriched_at = now(), claimed_until = NULL, claimed_by = NULL, failures = 0, last_error = NULL
        WHERE trader_id = $1`,
      [
        traderId,
        result.fillsSince === 'full' ? 'full' : result.fillsSince ? result.fillsSince.toISOString() : null,
        result.fillsUntil,
        result.fetched,
        result.portfolio,
      ],
    );
  }

  /** Traders on the newest board still due for a first enrichment (for the progress line). */
  async remaining(): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await this.db.query(
      `SELECT count(*)::int AS n
         FROM leaderboard_metrics m
         LEFT JOIN trader_enrichment e ON e.trader_id = m.trader_id
        WHERE m.generation = (SELECT id FROM leaderboard_generations WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1)
          AND m."window" = 'all' AND (m.trades_count > 0 OR m.exchange_reported) AND e.enriched_at IS NULL`,
    );
    return n;
  }

  /** A failed trader is retried after a back-off that doubles (5 min … 6 h). */
  async fail(traderId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE trader_enrichment
          SET failures = failures + 1, last_error = left($2, 500), claimed_by = NULL,
              claimed_until = now() + least(interval '6 hours', interval '5 minutes' * power(2, failures))
        WHERE trader_id = $1`,
      [traderId, error],
    );
  }
}
