import { MigrationInterface, QueryRunner } from 'typeorm';

/** When a trader's live positions were last reset to a snapshot (null: no baseline yet). */
export class LiveBaseline1763900500000 implements MigrationInterface {
  name = 'LiveBaseline1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE traders ADD COLUMN live_baseline_at timestamptz`);
    await q.query(`CREATE INDEX idx_traders_live_baseline ON traders (id) WHERE live_baseline_at IS NOT NULL`);
    await q.query(`CREATE INDEX idx_trader_fills_time ON trader_fills (time) WHERE source = 'stream'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_trader_fills_time`);
    await q.query(`DROP INDEX IF EXISTS idx_traders_live_baseline`);
    await q.query(`ALTER TABLE traders DROP COLUMN live_baseline_at`);
  }
}
