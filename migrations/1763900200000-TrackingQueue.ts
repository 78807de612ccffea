import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracking queue state on traders: a lease (claimed_until/claimed_by) so several workers never
 * take the same trader and a crashed worker's claims expire; traded_flag_at, set from discovery's
 * "just traded" signals (oldest first) so those traders are refreshed ahead of the queue.
 */
export class TrackingQueue1763900200000 implements MigrationInterface {
  name = 'TrackingQueue1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE traders
        ADD COLUMN claimed_until  timestamptz,
        ADD COLUMN claimed_by     varchar(64),
        ADD COLUMN traded_flag_at timestamptz`);
    await q.query(`
      CREATE INDEX idx_traders_traded_flag ON traders (traded_flag_at ASC)
        WHERE traded_flag_at IS NOT NULL AND is_active`);
    await q.query(`CREATE INDEX idx_account_value_points_time ON account_value_points (time)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_account_value_points_time`);
    await q.query(`DROP INDEX IF EXISTS idx_traders_traded_flag`);
    await q.query(`ALTER TABLE traders DROP COLUMN traded_flag_at, DROP COLUMN claimed_by, DROP COLUMN claimed_until`);
  }
}
