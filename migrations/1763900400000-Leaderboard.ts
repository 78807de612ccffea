import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The leaderboard's storage, rebuilt for whole-generation writes and cheap reads:
 *
 * - `leaderboard_metrics` becomes a table partitioned by generation, each generation itself
 *   partitioned by window (`leaderboard_metrics_g<id>` → `…_1d`, `…_7d`, `…_30d`, `…_all`). A run
 *   fills a detached table and attaches it in its final transaction; dropping an old generation is
 *   a DETACH + DROP instead of a multi-million-row DELETE (no bloat, no vacuum debt). The table
 *   holds derived data only, so it is recreated empty (the next run refills it). No foreign keys:
 *   they would cost one trigger call per inserted row.
 * - new columns: `eligible`, `score_rank` (rank by trader_score among the eligible, 1 = best),
 *   and per-metric-group completeness flags (`cov_*`, the API's `coverage`).
 * - `leaderboard_generations` gains the eligible count per window and the run's duration.
 * - `trader_enrichment`: what enrichment fetched from the exchange per trader (fills history
 *   completeness, last portfolio), with a claim lease so several workers never fetch one trader twice.
 * - `trader_portfolio_points`: the exchange's account value / PnL history (`portfolio`), merged with
 *   our own snapshots for drawdown and ROI over windows that started before discovery.
 * - `leaderboard_ledger_totals` / `_marks`: per-address running sums of the public trades ledger
 *   (count and notional) up to a sealed time and up to each window's start, advanced by the
 *   slices that crossed those marks since the last run, so a run reads minutes of the ledger
 *   instead of all of it. The marks carry the ledger row counts they cover: a run that finds
 *   other counts (a late insert, a deletion) rebuilds the totals from scratch.
 */
export class Leaderboard1763900400000 implements MigrationInterface {
  name = 'Leaderboard1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS leaderboard_metrics`);
    await q.query(`
      CREATE TABLE leaderboard_metrics (
        generation         bigint NOT NULL,
        "window"           varchar(8) NOT NULL,
        trader_id          bigint NOT NULL,
        address            varchar(42) NOT NULL,
        eligible           boolean NOT NULL,
        score_rank         integer,
        trader_score       double precision NOT NULL,
        account_age_days   integer NOT NULL,
        total_volume_usd   numeric NOT NULL,
        trades_count       integer NOT NULL,
        win_rate           double precision,
        avg_risk_ratio     double precision,
        max_drawdown       double precision,
        max_profit_usd     numeric,
        max_loss_usd       numeric,
        realized_pnl_usd   numeric,
        account_value_usd  numeric,
        roi                double precision,
        profit_factor      double precision,
        cov_volume         boolean NOT NULL,
        cov_pnl            boolean NOT NULL,
        cov_account        boolean NOT NULL,
        cov_risk           boolean NOT NULL,
        cov_age            boolean NOT NULL,
        CHECK ("window" IN ('1d', '7d', '30d', 'all'))
      ) PARTITION BY LIST (generation)`);
    // Per leaf (one generation, one window): a trader's row, and the eligible by score rank.
    await q.query(`CREATE INDEX idx_leaderboard_metrics_trader ON leaderboard_metrics (trader_id)`);
    await q.query(`CREATE INDEX idx_leaderboard_metrics_rank ON leaderboard_metrics (score_rank) WHERE score_rank IS NOT NULL`);

    await q.query(`
      ALTER TABLE leaderboard_generations
        ADD COLUMN eligible_counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN duration_ms     integer`);
    await q.query(`
      CREATE INDEX idx_leaderboard_generations_computed ON leaderboard_generations (id DESC)
        WHERE computed_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE trader_enrichment (
        trader_id      bigint PRIMARY KEY REFERENCES traders(id) ON DELETE CASCADE,
        fills_since    timestamptz,
        fills_until    timestamptz,
        fills_fetched  bigint NOT NULL DEFAULT 0,
        portfolio_at   timestamptz,
        enriched_at    timestamptz,
        claimed_until  timestamptz,
        claimed_by     varchar(64),
        failures       integer NOT NULL DEFAULT 0,
        last_error     text
      )`);
    // The exchange's fill directions include 'Auto-Deleveraging' (17 characters).
    await q.query(`ALTER TABLE trader_fills ALTER COLUMN dir TYPE varchar(32)`);
    await q.query(`
      CREATE TABLE leaderboard_ledger_totals (
        address   varchar(42) PRIMARY KEY,
        n_all     bigint NOT NULL DEFAULT 0,
        v_all     numeric NOT NULL DEFAULT 0,
        n_p30     bigint NOT NULL DEFAULT 0,
        v_p30     numeric NOT NULL DEFAULT 0,
        n_p7      bigint NOT NULL DEFAULT 0,
        v_p7      numeric NOT NULL DEFAULT 0,
        n_p1      bigint NOT NULL DEFAULT 0,
        v_p1      numeric NOT NULL DEFAULT 0,
        first_at  timestamptz
      )`);
    await q.query(`
      CREATE TABLE leaderboard_ledger_marks (
        id            smallint PRIMARY KEY CHECK (id = 1),
        sealed_until  timestamptz NOT NULL,
        p30           timestamptz NOT NULL,
        p7            timestamptz NOT NULL,
        p1            timestamptz NOT NULL,
        fills_sealed  bigint NOT NULL,
        fills_p30     bigint NOT NULL,
        fills_p7      bigint NOT NULL,
        fills_p1      bigint NOT NULL,
        rebuilt_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE trader_portfolio_points (
        trader_id      bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        time           timestamptz NOT NULL,
        account_value  numeric NOT NULL,
        pnl            numeric,
        PRIMARY KEY (trader_id, time)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS trader_portfolio_points`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_ledger_marks`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_ledger_totals`);
    await q.query(`ALTER TABLE trader_fills ALTER COLUMN dir TYPE varchar(16) USING left(dir, 16)`);
    await q.query(`DROP TABLE IF EXISTS trader_enrichment`);
    await q.query(`DROP INDEX IF EXISTS idx_leaderboard_generations_computed`);
    await q.query(`ALTER TABLE leaderboard_generations DROP COLUMN duration_ms, DROP COLUMN eligible_counts`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_metrics`);
    await q.query(`
      CREATE TABLE leaderboard_metrics (
        generation         bigint NOT NULL REFERENCES leaderboard_generations(id) ON DELETE CASCADE,
        "window"           varchar(8) NOT NULL CHECK ("window" IN ('1d', '7d', '30d', 'all')),
        trader_id          bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        address            varchar(42) NOT NULL,
        trader_score       double precision NOT NULL DEFAULT 0,
        account_age_days   integer NOT NULL DEFAULT 0,
        total_volume_usd   numeric NOT NULL DEFAULT 0,
        trades_count       integer NOT NULL DEFAULT 0,
        win_rate           double precision,
        avg_risk_ratio     double precision,
        max_drawdown       double precision,
        max_profit_usd     numeric,
        max_loss_usd       numeric,
        realized_pnl_usd   numeric,
        account_value_usd  numeric,
        roi                double precision,
        profit_factor      double precision,
        coverage           jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (generation, "window", trader_id)
      )`);
    await q.query(`
      CREATE INDEX idx_leaderboard_metrics_score
        ON leaderboard_metrics (generation, "window", trader_score DESC)`);
    await q.query(`CREATE INDEX idx_leaderboard_metrics_trader ON leaderboard_metrics (trader_id, generation)`);
  }
}
