import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-trader fills with realized PnL: one row per (trader, coin, tid). Written by the live
 * position applier for baselined traders (source `stream`: realized PnL from our average-cost
 * position) and by enrichment from `userFills`/`userFillsByTime` (source `exchange`: the
 * exchange's own closedPnl and fee, which win over ours). The leaderboard reads PnL from here.
 * Also the applier's checkpoint: the last trades-stream entry applied, committed with positions.
 */
export class TraderFills1763900300000 implements MigrationInterface {
  name = 'TraderFills1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trader_fills (
        trader_id       bigint NOT NULL REFERENCES traders(id) ON DELETE CASCADE,
        coin            varchar(32) NOT NULL,
        tid             bigint NOT NULL,
        time            timestamptz NOT NULL,
        side            char(1) NOT NULL CHECK (side IN ('A', 'B')),
        px              numeric NOT NULL,
        sz              numeric NOT NULL,
        start_position  numeric,
        dir             varchar(16),
        closed_pnl      numeric,
        fee             numeric,
        source          varchar(8) NOT NULL CHECK (source IN ('stream', 'exchange')),
        PRIMARY KEY (trader_id, coin, tid)
      )`);
    await q.query(`CREATE INDEX idx_trader_fills_trader_time ON trader_fills (trader_id, time)`);
    await q.query(`
      CREATE TABLE stream_checkpoints (
        name        varchar(64) PRIMARY KEY,
        position    varchar(64) NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE trader_positions
        ADD COLUMN baseline_at timestamptz,
        ADD COLUMN source varchar(8) NOT NULL DEFAULT 'snapshot'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE trader_positions DROP COLUMN source, DROP COLUMN baseline_at`);
    await q.query(`DROP TABLE IF EXISTS stream_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS trader_fills`);
  }
}
