import type { DataSource } from 'typeorm';

/** Above this many rows a count is the planner's estimate (count(*) costs ~45 ms per million rows). */
export const EXACT_COUNT_LIMIT = 1_000_000;

/**
 * The planner's row estimates (from the last ANALYZE) of tables or indexes by name; a partitioned
 * table's is the sum of its analyzed partitions. -1: never analyzed.
 */
export async function estimatedRows(db: DataSource, relations: string[]): Promise<Map<string, number>> {
  const rows: Array<{ relname: string; n: string }> = await db.query(
    `SELECT relname, (CASE WHEN c.relkind <> 'p' THEN c.reltuples ELSE (SELECT CASE WHEN bool_or(k.reltuples >= 0) THEN sum(greatest(k.reltuples, 0)) ELSE -1 END
               FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid) END)::bigint AS n
       FROM pg_class c WHERE oid = ANY($1::regclass[])`,
    [relations],
  );
  return new Map(rows.map((r) => [r.relname, Number(r.n)]));
}

/**
 * Rows of `table`: count(*) up to EXACT_COUNT_LIMIT, the planner's estimate above. `table` is a
 * constant of the owning repository, never user input.
 */
export async function countRows(db: DataSource, table: string): Promise<{ n: number; exact: boolean }> {
  const estimate = (await estimatedRows(db, [table])).get(table) ?? -1;
  if (estimate > EXACT_COUNT_LIMIT) return { n: estimate, exact: false };
  const [row] = await db.query(`SELECT count(*)::bigint AS n FROM ${table}`);
  return { n: Number(row.n), exact: true };
}
