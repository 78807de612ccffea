import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger (`fills`, `trader_fills`, `trade_events`) becomes range-partitioned by day on its
 * time column, so retention is a DROP of whole days (no DELETE sweeps, no bloat). Each table gets
 * daily partitions `<table>_pYYYYMMDD` (UTC days) and one `<table>_archive` holding everything
 * before the first daily partition; the worker's LedgerPartitionsScheduler creates days ahead
 * and drops the ones past RETENTION_DAYS_FILLS / RETENTION_DAYS_EVENTS (the archive goes with
 * them once all of it is past the horizon). `<table>_default` catches a time beyond the days created
 * (a bogus far-future value written straight into the database; the stream refuses such trades),
 * so no insert fails for want of a partition; the job moves its rows into a day when it creates it.
 *
 * A unique key of a partitioned table must contain the partition key, so:
 * - `fills`: (coin, tid) → (coin, tid, time). The exchange never changes a trade's time, so every
 *   replay of a trade (reconnect, redundant replica, catch-up) carries the same (coin, tid, time)
 *   and ON CONFLICT (coin, tid, time) DO NOTHING stores it once, as before. A separate
 *   non-partitioned (coin, tid) table would keep the old key but grow without bound (or need the
 *   DELETE sweeps retention is meant to avoid) and add a second index write per trade.
 * - `trader_fills`: (trader_id, coin, tid) → (trader_id, coin, tid, time), for the same reason
 *   (the exchange's userFills time of a fill is its trade's time).
 * - `trade_events`: id → (id, timestamp); dedupe_key → (dedupe_key, timestamp). Every dedupe key
 *   determines its timestamp (`stream:<trader>:<coin>:<tid>` is stamped with the trade's time,
 *   `snap:<trader>:<coin>:<ms>` with that snapshot time), so de-duplication is unchanged.
 *
 * Existing rows move into the new tables in this migration's transaction (days from the older of
 * the oldest row and 30 days ago become daily partitions; older rows go to the archive).
 */

interface Ledger {
  table: string;
  column: string;
  primaryKey: string[];
  unique?: string[];
  /** The key before partitioning (restored by down). */
  oldKey: string[];
  indexes: string[];
  foreignKeys: string[];
  sequence?: string;
}

const LEDGERS: Ledger[] = [
  {
    table: 'fills',
    column: 'time',
    primaryKey: ['coin', 'tid', 'time'],
    oldKey: ['coin', 'tid'],
    indexes: [
      'CREATE INDEX idx_fills_buyer_time ON fills (buyer, time)',
      'CREATE INDEX idx_fills_seller_time ON fills (seller, time)',
      'CREATE INDEX idx_fills_time ON fills (time)',
    ],
    foreignKeys: [],
  },
  {
    table: 'trader_fills',
    column: 'time',
    primaryKey: ['trader_id', 'coin', 'tid', 'time'],
    oldKey: ['trader_id', 'coin', 'tid'],
    indexes: [
      'CREATE INDEX idx_trader_fills_trader_time ON trader_fills (trader_id, time)',
      `CREATE INDEX idx_trader_fills_time ON trader_fills (time) WHERE source = 'stream'`,
    ],
    foreignKeys: ['FOREIGN KEY (trader_id) REFERENCES traders(id) ON DELETE CASCADE'],
  },
  {
    table: 'trade_events',
    column: 'timestamp',
    primaryKey: ['id', 'timestamp'],
    oldKey: ['id'],
    unique: ['dedupe_key', 'timestamp'],
    indexes: [
      'CREATE INDEX idx_trade_events_trader ON trade_events (trader_id, id DESC)',
      'CREATE INDEX idx_trade_events_unpublished ON trade_events (id) WHERE published_at IS NULL',
    ],
    foreignKeys: ['FOREIGN KEY (trader_id) REFERENCES traders(id) ON DELETE CASCADE'],
    sequence: 'trade_events_id_seq',
  },
];

const DAY_MS = 86_400_000;
const DAYS_AHEAD = 7;
const DAYS_BACK = 30;

const dayName = (table: string, day: number): string =>
  `${table}_p${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
const literal = (ms: number): string => `'${new Date(ms).toISOString()}'`;

export class PartitionedLedger1764800000001 implements MigrationInterface {
  name = 'PartitionedLedger1764800000001';

  async up(q: QueryRunner): Promise<void> {
    for (const l of LEDGERS) await this.partition(q, l);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const l of LEDGERS) {
      const old = `${l.table}_partitioned`;
      await q.query(`ALTER TABLE ${l.table} RENAME TO ${old}`);
      await this.dropIndexes(q, old);
      await q.query(`CREATE TABLE ${l.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      const key = l.oldKey.join(', ');
      const dedupe = l.unique ? `DISTINCT ON (dedupe_key)` : `DISTINCT ON (${key})`;
      await q.query(`INSERT INTO ${l.table} SELECT ${dedupe} * FROM ${old}`);
      await q.query(`ALTER TABLE ${l.table} ADD PRIMARY KEY (${key})`);
      if (l.unique) await q.query(`ALTER TABLE ${l.table} ADD UNIQUE (dedupe_key)`);
      for (const fk of l.foreignKeys) await q.query(`ALTER TABLE ${l.table} ADD ${fk}`);
      if (l.sequence) await q.query(`ALTER SEQUENCE ${l.sequence} OWNED BY ${l.table}.id`);
      await q.query(`DROP TABLE ${old}`);
      for (const index of l.indexes) await q.query(index);
    }
  }

  private async partition(q: QueryRunner, l: Ledger): Promise<void> {
    const old = `${l.table}_unpartitioned`;
    await q.query(`ALTER TABLE ${l.table} RENAME TO ${old}`);
    await this.dropIndexes(q, old);
    await q.query(
      `CREATE TABLE ${l.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
         PRIMARY KEY (${l.primaryKey.map((c) => `"${c}"`).join(', ')})
         ${l.unique ? `, UNIQUE (${l.unique.map((c) => `"${c}"`).join(', ')})` : ''}
       ) PARTITION BY RANGE ("${l.column}")`,
    );
    for (const fk of l.foreignKeys) await q.query(`ALTER TABLE ${l.table} ADD ${fk}`);
    for (const index of l.indexes) await q.query(index);

    const [range] = (await q.query(
      `SELECT (extract(epoch FROM min("${l.column}")) * 1000)::float8 AS lo,
              (extract(epoch FROM max("${l.column}")) * 1000)::float8 AS hi FROM ${old}`,
    )) as Array<{ lo: number | null; hi: number | null }>;
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const first = range.lo === null ? today : Math.min(today, Math.max(today - DAYS_BACK * DAY_MS, Math.floor(range.lo / DAY_MS) * DAY_MS));
    const end = Math.max(today + (DAYS_AHEAD + 1) * DAY_MS, range.hi === null ? 0 : Math.floor(range.hi / DAY_MS + 1) * DAY_MS);
    await q.query(`CREATE TABLE ${l.table}_archive PARTITION OF ${l.table} FOR VALUES FROM (MINVALUE) TO (${literal(first)})`);
    await q.query(`CREATE TABLE ${l.table}_default PARTITION OF ${l.table} DEFAULT`);
    for (let day = first; day < end; day += DAY_MS) {
      await q.query(
        `CREATE TABLE ${dayName(l.table, day)} PARTITION OF ${l.table} FOR VALUES FROM (${literal(day)}) TO (${literal(day + DAY_MS)})`,
      );
    }
    await q.query(`INSERT INTO ${l.table} SELECT * FROM ${old}`);
    if (l.sequence) await q.query(`ALTER SEQUENCE ${l.sequence} OWNED BY ${l.table}.id`);
    await q.query(`DROP TABLE ${old}`);
  }

  /** Frees the index and constraint names for the new table (the old one is only read, then dropped). */
  private async dropIndexes(q: QueryRunner, table: string): Promise<void> {
    const constraints = (await q.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f')`,
      [table],
    )) as Array<{ conname: string }>;
    for (const c of constraints) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT "${c.conname}"`);
    const indexes = (await q.query(
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::regclass`,
      [table],
    )) as Array<{ name: string }>;
    for (const i of indexes) await q.query(`DROP INDEX ${i.name}`);
  }
}
