import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { archivePartitionName, DAY_MS, dailyPartitionName, ExistingPartition, PartitionPlan } from './partition-plan';

/** Arbitrary constant: the advisory-lock key of partition maintenance (one replica at a time). */
export const LEDGER_PARTITIONS_LOCK_KEY = 727_020;

/** The day-partitioned ledger tables and their time columns. */
export const LEDGER_TABLES = ['fills', 'trader_fills', 'trade_events'] as const;
export type LedgerTable = (typeof LEDGER_TABLES)[number];
const LEDGER_TIME_COLUMN: Record<LedgerTable, string> = { fills: 'time', trader_fills: 'time', trade_events: 'timestamp' };

const literal = (ms: number): string => `'${new Date(ms).toISOString()}'`;

/**
 * The partition DDL of the ledger (the only DDL outside migrations, by design: creating days ahead
 * and dropping expired ones is the retention). Each table's plan runs in one transaction under a
 * transaction-scoped advisory lock, with a lock timeout so a long-running reader delays it rather
 * than queueing every writer behind it.
 */
@Injectable()
export class LedgerPartitionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The table's partitions with their bounds (ms; `from` null for MINVALUE). */
  async list(table: LedgerTable, em: EntityManager = this.db.manager): Promise<ExistingPartition[]> {
    const rows: Array<{ name: string; from_ms: number | null; to_ms: number }> = await em.query(
      `SELECT c.relname AS name,
              CASE WHEN b LIKE '%MINVALUE%' THEN NULL
                   ELSE extract(epoch FROM (regexp_match(b, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000 END::float8 AS from_ms,
              (extract(epoch FROM (regexp_match(b, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000)::float8 AS to_ms
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         CROSS JOIN LATERAL pg_get_expr(c.relpartbound, c.oid) AS b
        WHERE i.inhparent = $1::regclass AND b <> 'DEFAULT'
        ORDER BY from_ms NULLS FIRST`,
      [table],
    );
    return rows.map((r) => ({ name: r.name, from: r.from_ms === null ? null : Number(r.from_ms), to: Number(r.to_ms) }));
  }

  /**
   * Plans with `plan` (given the current partitions) and applies it in one transaction. Null when
   * another replica holds the maintenance lock.
   */
  async apply(
    table: LedgerTable,
    plan: (existing: ExistingPartition[]) => PartitionPlan,
    lockTimeoutMs: number,
  ): Promise<PartitionPlan | null> {
    return this.db.transaction(async (em) => {
      const [{ locked }] = (await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [LEDGER_PARTITIONS_LOCK_KEY])) as Array<{ locked: boolean }>;
      if (!locked) return null;
      await em.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      const todo = plan(await this.list(table, em));
      for (const name of todo.drop) await em.query(`DROP TABLE "${name}"`);
      if (todo.archiveTo !== null) {
        await em.query(
          `CREATE TABLE "${archivePartitionName(table)}" PARTITION OF ${table} FOR VALUES FROM (MINVALUE) TO (${literal(todo.archiveTo)})`,
        );
      }
      for (const day of todo.create) await this.createDay(em, table, day);
      return todo;
    });
  }

  /**
   * A new day partition. Rows of that day already in `<table>_default` (a time beyond the days
   * created so far) move into it first: Postgres refuses a partition whose rows the default holds.
   */
  private async createDay(em: EntityManager, table: LedgerTable, day: number): Promise<void> {
    const name = dailyPartitionName(table, day);
    const column = LEDGER_TIME_COLUMN[table];
    const range = `"${column}" >= ${literal(day)} AND "${column}" < ${literal(day + DAY_MS)}`;
    const [{ stray }] = (await em.query(`SELECT EXISTS (SELECT 1 FROM ${table}_default WHERE ${range}) AS stray`)) as Array<{ stray: boolean }>;
    const bounds = `FOR VALUES FROM (${literal(day)}) TO (${literal(day + DAY_MS)})`;
    if (!stray) {
      await em.query(`CREATE TABLE "${name}" PARTITION OF ${table} ${bounds}`);
      return;
    }
    await em.query(`CREATE TABLE "${name}" (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await em.query(`WITH moved AS (DELETE FROM ${table}_default WHERE ${range} RETURNING *) INSERT INTO "${name}" SELECT * FROM moved`);
    await em.query(`ALTER TABLE ${table} ATTACH PARTITION "${name}" ${bounds}`);
  }
}
