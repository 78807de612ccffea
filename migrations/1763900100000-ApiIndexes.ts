import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes behind the REST API's read paths (measured on 1M traders: list page and prefix search
 * ~1-2 ms instead of a sort of the whole table):
 * - address prefix search (`?search=0xab`): `LIKE '0xab%'` uses a btree index only under the C
 *   collation, so an explicit `varchar_pattern_ops` index serves it under any database collation;
 * - the trader list's order (most recently trading first);
 * - a trader's leaderboard rows in a generation (the primary key leads with (generation, window)).
 * Plain CREATE INDEX (in the migration's transaction): CONCURRENTLY would wait for every older
 * transaction, including a replica's `pg_advisory_lock` call waiting for this very migration to
 * finish (a deadlock). The build blocks writes to these tables for ~1 s per million rows.
 */
export class ApiIndexes1763900100000 implements MigrationInterface {
  name = 'ApiIndexes1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS idx_traders_address_pattern ON traders (address varchar_pattern_ops)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS idx_traders_last_seen
         ON traders (last_seen_trading_at DESC NULLS LAST, id DESC)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS idx_leaderboard_metrics_trader
         ON leaderboard_metrics (trader_id, generation)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_leaderboard_metrics_trader`);
    await q.query(`DROP INDEX IF EXISTS idx_traders_last_seen`);
    await q.query(`DROP INDEX IF EXISTS idx_traders_address_pattern`);
  }
}
