import { randomBytes } from 'crypto';
import { readdirSync } from 'fs';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { FillsRepository } from '../../src/discovery/fills.repository';
import type { Fill, WsTrade } from '../../src/hyperliquid/hyperliquid.types';
import { EnrichmentRepository } from '../../src/leaderboard/enrichment.repository';
import { LEDGER_TABLES, LedgerPartitionsRepository } from '../../src/ledger/ledger-partitions.repository';
import { DAY_MS, dailyPartitionName, planPartitions, startOfDay } from '../../src/ledger/partition-plan';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ROOT } from '../support/env';

const MIGRATIONS = join(ROOT, 'dist', 'migrations');
const PARTITIONING = 1764800000001;
const migrationFiles = (before: number): string[] =>
  readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.js') && Number(f.split('-')[0]) < before)
    .map((f) => join(MIGRATIONS, f));

const address = (): string => `0x${randomBytes(20).toString('hex')}`;
const ORDER: Record<string, string> = { fills: 'coin, tid', trader_fills: 'trader_id, coin, tid', trade_events: 'id' };

/** Row count and a digest of every row's text, in key order: equal before and after means no row lost or changed. */
async function fingerprint(db: DataSource, table: string): Promise<{ n: string; digest: string }> {
  const [row] = (await db.query(
    `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY ${ORDER[table]}), '')) AS digest FROM ${table} t`,
  )) as Array<{ n: string; digest: string }>;
  return row;
}

/** The old layout with rows spread from 60 days ago to 2 days ahead (some in the archive, some in days). */
async function seedOldLayout(db: DataSource): Promise<void> {
  const traders = Array.from({ length: 20 }, address);
  await db.query(`INSERT INTO traders (address) SELECT unnest($1::varchar[])`, [traders]);
  await db.query(
    `WITH t AS (SELECT array_agg(address ORDER BY id) AS a FROM traders)
     INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
     SELECT (ARRAY['BTC','ETH','SOL'])[1 + i % 3], i, t.a[1 + i % 20], t.a[1 + (i + 7) % 20], 100 + i % 17, (i % 9 + 1) / 10.0,
            CASE WHEN i % 2 = 0 THEN 'A' ELSE 'B' END,
            date_trunc('milliseconds', now() - interval '60 days' + (i * interval '62 days') / 3000), '0x' || md5(i::text)
       FROM generate_series(1, 3000) AS i, t`,
  );
  await db.query(
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, closed_pnl, fee, source)
     SELECT (SELECT id FROM traders ORDER BY id LIMIT 1 OFFSET i % 20), 'BTC', i, now() - interval '45 days' + i * interval '1 hour',
            'B', 100, 1, i % 13 - 6, 0.01, CASE WHEN i % 3 = 0 THEN 'exchange' ELSE 'stream' END
       FROM generate_series(1, 1100) AS i`,
  );
  await db.query(
    `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key, published_at)
     SELECT t.id, t.address, 'ETH', 'position_opened', 'stream', now() - interval '40 days' + i * interval '1 hour',
            jsonb_build_object('coin', 'ETH', 'i', i), 'stream:' || t.id || ':ETH:' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE now() END
       FROM generate_series(1, 1000) AS i
       JOIN LATERAL (SELECT id, address FROM traders ORDER BY id LIMIT 1 OFFSET i % 20) t ON true`,
  );
}

describe('partitioned ledger', () => {
  let database: TestDatabase;
  let db: DataSource;
  const before: Record<string, { n: string; digest: string }> = {};

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
    const old = new DataSource(dataSourceOptions(database.url, { migrations: migrationFiles(PARTITIONING), extra: { max: 2 } }));
    await old.initialize();
    await old.runMigrations({ transaction: 'each' });
    await seedOldLayout(old);
    for (const table of LEDGER_TABLES) before[table] = await fingerprint(old, table);
    await old.destroy();

    db = new DataSource(dataSourceOptions(database.url, { migrations: migrationFiles(Infinity), extra: { max: 4 } }));
    await db.initialize();
    const applied = await db.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toContain(`PartitionedLedger${PARTITIONING}`);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('moves every row of the old layout into day partitions', async () => {
    for (const table of LEDGER_TABLES) {
      expect(Number(before[table].n)).toBeGreaterThan(900);
      expect(await fingerprint(db, table)).toEqual(before[table]);
      const [{ kind }] = (await db.query(`SELECT relkind AS kind FROM pg_class WHERE relname = $1`, [table])) as Array<{ kind: string }>;
      expect(kind).toBe('p');
    }
    const parts = await new LedgerPartitionsRepository(db).list('fills');
    const today = startOfDay(Date.now());
    expect(parts[0]).toMatchObject({ name: 'fills_archive', from: null, to: today - 30 * DAY_MS });
    expect(parts.at(-1)!.from).toBeGreaterThanOrEqual(today + 7 * DAY_MS);
    // The oldest rows (60 days back) sit in the archive, the rest in their days.
    const [{ archived }] = (await db.query(`SELECT count(*)::int AS archived FROM fills_archive`)) as Array<{ archived: number }>;
    expect(archived).toBeGreaterThan(1000);
    expect(archived).toBeLessThan(2000);
  });

  it('keeps the event id sequence going and de-duplicates events on their key', async () => {
    const [{ max }] = (await db.query(`SELECT max(id)::text AS max FROM trade_events`)) as Array<{ max: string }>;
    const insert = () =>
      db.query(
        `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key)
         SELECT id, address, 'ETH', 'position_closed', 'snapshot', to_timestamp(1700000000), '{}', 'snap:' || id || ':ETH:1700000000000'
           FROM traders ORDER BY id LIMIT 1
         ON CONFLICT (dedupe_key, timestamp) DO NOTHING RETURNING id::text`,
      ) as Promise<Array<{ id: string }>>;
    const first = await insert();
    expect(BigInt(first[0].id)).toBeGreaterThan(BigInt(max));
    expect(await insert()).toEqual([]);
  });

  it('stores a replayed trade once (live and migrated), and an exchange fill over the stream row once', async () => {
    const fills = new FillsRepository(db);
    const [buyer, seller] = [address(), address()];
    const now = Date.now();
    const trades: WsTrade[] = Array.from({ length: 50 }, (_, i) => ({
      coin: 'HYPE', side: i % 2 ? 'A' : 'B', px: '12.5', sz: '3', hash: `0x${'ab'.repeat(32)}`,
      time: now - i * 1000, tid: 900_000 + i, users: [buyer, seller], buyer, seller,
    }) as unknown as WsTrade);
    expect((await fills.storeBatch(trades)).inserted).toHaveLength(50);
    expect((await fills.storeBatch([...trades].reverse())).inserted).toHaveLength(0);
    const [migrated] = (await db.query(
      `SELECT coin, tid::int, buyer, seller, px::text, sz::text, side, (extract(epoch FROM time) * 1000)::float8 AS time, hash
         FROM fills ORDER BY tid LIMIT 1`,
    )) as Array<WsTrade>;
    expect((await fills.storeBatch([{ ...migrated, time: Number(migrated.time) }])).inserted).toHaveLength(0);
    const [{ n, seen }] = (await db.query(
      `SELECT count(*)::int AS n, (SELECT trades_seen::int FROM traders WHERE address = $1) AS seen FROM fills WHERE coin = 'HYPE'`,
      [buyer],
    )) as Array<{ n: number; seen: number }>;
    expect({ n, seen }).toEqual({ n: 50, seen: 50 });

    const enrichment = new EnrichmentRepository(db);
    const [{ id }] = (await db.query(`SELECT id::text FROM traders WHERE address = $1`, [buyer])) as Array<{ id: string }>;
    const userFills = trades.slice(0, 5).map((t) => ({ ...t, startPosition: '0', dir: 'Open Long', closedPnl: '1.5', oid: 1, crossed: true, fee: '0.02' }) as unknown as Fill & { tid: number });
    await enrichment.upsertFills(id, userFills);
    await enrichment.upsertFills(id, userFills.map((f) => ({ ...f, closedPnl: '2.5' })));
    const rows = (await db.query(`SELECT closed_pnl::text AS pnl FROM trader_fills WHERE trader_id = $1`, [id])) as Array<{ pnl: string }>;
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.pnl === '2.5')).toBe(true);
  });

  it('retention drops whole days past the horizon (the archive with them) and creates days ahead', async () => {
    const partitions = new LedgerPartitionsRepository(db);
    const later = Date.now() + 20 * DAY_MS;
    const horizon = startOfDay(later) - 30 * DAY_MS;
    // Beyond the days created so far: held by the default partition, moved into its day once created.
    await db.query(
      `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash) VALUES
         ('BTC', 777777, $1, $1, 1, 1, 'A', now() + interval '25 days', '0x'),
         ('BTC', 777778, $1, $1, 1, 1, 'A', to_timestamp(9000000000000), '0x')`,
      [address()],
    );
    const kept = (await db.query(`SELECT count(*)::int AS n FROM fills WHERE time >= to_timestamp($1 / 1000.0)`, [horizon])) as Array<{ n: number }>;
    const plan = await partitions.apply('fills', (existing) => planPartitions('fills', existing, later, 30, 7), 5000);
    expect(plan!.drop).toContain('fills_archive');
    const [{ n, oldest }] = (await db.query(
      `SELECT count(*)::int AS n, (extract(epoch FROM min(time)) * 1000)::float8 AS oldest FROM fills`,
    )) as Array<{ n: number; oldest: number }>;
    expect(n).toBe(kept[0].n);
    expect(oldest).toBeGreaterThanOrEqual(horizon);
    const homes = (await db.query(`SELECT tid::int, tableoid::regclass::text AS home FROM fills WHERE tid IN (777777, 777778) ORDER BY tid`)) as Array<{ tid: number; home: string }>;
    expect(homes).toEqual([
      { tid: 777777, home: dailyPartitionName('fills', startOfDay(Date.now() + 25 * DAY_MS)) },
      { tid: 777778, home: 'fills_default' },
    ]);
    const after = await partitions.list('fills');
    expect(after[0]).toMatchObject({ name: 'fills_archive', to: horizon });
    expect(after.at(-1)!.to).toBe(startOfDay(later) + 8 * DAY_MS);
    // A second pass has nothing to do, and a late old row still has somewhere to go.
    expect(await partitions.apply('fills', (existing) => planPartitions('fills', existing, later, 30, 7), 5000)).toEqual({
      drop: [], archiveTo: null, create: [],
    });
    await db.query(
      `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash) VALUES ('BTC', 1, $1, $1, 1, 1, 'A', now() - interval '400 days', '0x')`,
      [address()],
    );
  });
});
