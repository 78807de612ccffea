import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live engine's baselines move out of `traders` into a table only the engine writes: its
 * commits no longer lock trader rows, so they never wait on (or deadlock with) discovery's
 * upserts and tracking's queue updates of the same traders. `traders.flag_priority` orders the
 * flagged: 0 a new trader to baseline, 1 a stream gap to reconcile, 2 derived state looks wrong.
 */
export class LiveBaselines1763900800000 implements MigrationInterface {
  name = 'LiveBaselines1763900800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE live_baselines (
        trader_id bigint PRIMARY KEY REFERENCES traders(id) ON DELETE CASCADE,
        baseline_at timestamptz NOT NULL
      )`);
    await q.query(`INSERT INTO live_baselines (trader_id, baseline_at) SELECT id, live_baseline_at FROM traders WHERE live_baseline_at IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS idx_traders_live_baseline`);
    await q.query(`ALTER TABLE traders DROP COLUMN live_baseline_at`);
    await q.query(`ALTER TABLE traders ADD COLUMN flag_priority smallint`);
    await q.query(`UPDATE traders SET flag_priority = 0 WHERE traded_flag_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE traders DROP COLUMN flag_priority`);
    await q.query(`ALTER TABLE traders ADD COLUMN live_baseline_at timestamptz`);
    await q.query(`UPDATE traders t SET live_baseline_at = b.baseline_at FROM live_baselines b WHERE b.trader_id = t.id`);
    await q.query(`CREATE INDEX idx_traders_live_baseline ON traders (id) WHERE live_baseline_at IS NOT NULL`);
    await q.query(`DROP TABLE live_baselines`);
  }
}
