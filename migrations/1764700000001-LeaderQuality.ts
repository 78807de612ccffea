import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leaders worth copying (issue 19):
 * - `exchange_board_rows`: the exchange's public leaderboard file per trader (display name,
 *   account value, PnL / ROI / volume per window as the exchange reports them), refreshed daily;
 *   `exchange_board_fetches` logs each read (when, how many rows) for the daily schedule and health.
 * - `trader_risk`: per trader and window, the risk figures computed from the trader's account series
 *   and fills (Sharpe, Sortino, holding time, profitable days/weeks, leverage, the fills' equity
 *   curve drawdown), with the signatures of the inputs they were computed from.
 * - `leaderboard_metrics` gains `copy_score`, those figures, trades per day, days since the last
 *   trade, and `exchange_reported` (the window's PnL / ROI / volume come from the exchange's file).
 */
export class LeaderQuality1764700000001 implements MigrationInterface {
  name = 'LeaderQuality1764700000001';

  async up(q: QueryRunner): Promise<void> {
    const win = (w: string) => `pnl_${w} numeric, roi_${w} double precision, vlm_${w} numeric`;
    await q.query(`
      CREATE TABLE exchange_board_rows (
        trader_id      bigint PRIMARY KEY REFERENCES traders(id) ON DELETE CASCADE,
        display_name   varchar(64),
        account_value  numeric NOT NULL,
        ${win('day')}, ${win('week')}, ${win('month')}, ${win('all')},
        fetched_at     timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE exchange_board_fetches (
        id          bigserial PRIMARY KEY,
        fetched_at  timestamptz NOT NULL DEFAULT now(),
        row_count   integer NOT NULL,
        new_traders integer NOT NULL,
        invalid     integer NOT NULL,
        duration_ms integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE trader_risk (
        trader_id               bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        "window"                varchar(8) NOT NULL CHECK ("window" IN ('1d', '7d', '30d', 'all')),
        sharpe_ratio            double precision,
        sortino_ratio           double precision,
        avg_holding_seconds     double precision,
        profitable_days_share   double precision,
        profitable_weeks_share  double precision,
        avg_leverage            double precision,
        avg_position_usd        double precision,
        fills_drawdown          double precision,
        daily_returns           integer NOT NULL,
        PRIMARY KEY (trader_id, "window")
      )`);
    await q.query(`
      CREATE TABLE trader_risk_state (
        trader_id    bigint PRIMARY KEY REFERENCES traders(id) ON DELETE CASCADE,
        computed_at  timestamptz NOT NULL,
        pnl_sig      text,
        account_sig  text
      )`);
    await q.query(`
      ALTER TABLE leaderboard_metrics
        ADD COLUMN copy_score              double precision,
        ADD COLUMN sharpe_ratio            double precision,
        ADD COLUMN sortino_ratio           double precision,
        ADD COLUMN avg_holding_hours       double precision,
        ADD COLUMN profitable_days_share   double precision,
        ADD COLUMN profitable_weeks_share  double precision,
        ADD COLUMN avg_leverage            double precision,
        ADD COLUMN trades_per_day          double precision,
        ADD COLUMN days_since_last_trade   double precision,
        ADD COLUMN exchange_reported       boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leaderboard_metrics
        DROP COLUMN copy_score, DROP COLUMN sharpe_ratio, DROP COLUMN sortino_ratio, DROP COLUMN avg_holding_hours,
        DROP COLUMN profitable_days_share, DROP COLUMN profitable_weeks_share, DROP COLUMN avg_leverage,
        DROP COLUMN trades_per_day, DROP COLUMN days_since_last_trade, DROP COLUMN exchange_reported`);
    await q.query(`DROP TABLE IF EXISTS trader_risk_state`);
    await q.query(`DROP TABLE IF EXISTS trader_risk`);
    await q.query(`DROP TABLE IF EXISTS exchange_board_fetches`);
    await q.query(`DROP TABLE IF EXISTS exchange_board_rows`);
  }
}
