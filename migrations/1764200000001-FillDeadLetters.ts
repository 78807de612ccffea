import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trades the fills ledger refused (a value out of a column's range, a NUL byte, …): set aside with
 * the database's error so the rest of their batch is stored and ingestion never stalls on one row.
 * `payload` is the trade as JSON text (control characters escaped, so it always fits).
 */
export class FillDeadLetters1764200000001 implements MigrationInterface {
  name = 'FillDeadLetters1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fill_dead_letters (
        id           bigserial PRIMARY KEY,
        received_at  timestamptz NOT NULL DEFAULT now(),
        payload      text NOT NULL,
        error        text NOT NULL,
        sqlstate     varchar(5)
      )`);
    await q.query(`CREATE INDEX idx_fill_dead_letters_received ON fill_dead_letters (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS fill_dead_letters`);
  }
}
