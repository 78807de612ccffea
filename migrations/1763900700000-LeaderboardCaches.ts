import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the leaderboard needs to recompute only the traders whose inputs changed: the window starts
 * and computation time of the last run per source (`pnl`, `account`), and the traders whose
 * trader_fills / portfolio rows enrichment rewrote in place (inserts and deletes show in each
 * trader's row signature; updates do not). The per-trader caches themselves are UNLOGGED tables the
 * run creates (`leaderboard_pnl_cache`, `leaderboard_account_cache`): derived data, rebuilt when
 * missing or when their formulas change.
 */
export class LeaderboardCaches1763900700000 implements MigrationInterface {
  name = 'LeaderboardCaches1763900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leaderboard_source_marks (
        source        varchar(16) PRIMARY KEY,
        t0            timestamptz NOT NULL,
        s30           timestamptz NOT NULL,
        s7            timestamptz NOT NULL,
        s1            timestamptz NOT NULL,
        ledger_start  timestamptz NOT NULL,
        version       integer NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE leaderboard_dirty (
        trader_id  bigint NOT NULL,
        at         timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS leaderboard_account_cache`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_pnl_cache`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_dirty`);
    await q.query(`DROP TABLE IF EXISTS leaderboard_source_marks`);
  }
}
