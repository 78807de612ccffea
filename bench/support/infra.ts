/**
 * The benches' own Postgres database (created fresh and migrated with the real migration CLI)
 * and Redis logical database (flushed first). Postgres and Redis as for the tests
 * (TEST_PG_ADMIN_URL / TEST_REDIS_URL).
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { join } from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { cpuOf, ROOT } from './processes';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_BASE = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A client on the bench database, for setup and checks. */
  client(): Promise<Client>;
  /** Deadlocks Postgres detected in this database (pg_stat_database). */
  deadlocks(): Promise<number>;
  /**
   * CPU seconds of this database's backends (the app's connections, and autovacuum workers while
   * they run), per pid; `backendType` picks one pg_stat_activity.backend_type (e.g. 'client backend').
   */
  backendCpu(backendType?: string): Promise<Map<number, number>>;
  drop(): Promise<void>;
}

/** `CREATE DATABASE bench_<name>` (dropped first if a killed run left it), then `migrate.cli.js`. */
export async function createBenchDatabase(name: string): Promise<BenchDatabase> {
  const db = `bench_${name}`;
  await admin(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${db}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  await promisify(execFile)(process.execPath, [join(ROOT, 'dist/database/migrate.cli.js')], {
    cwd: '/tmp',
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: url.toString() },
  });
  const client = async () => {
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    return c;
  };
  return {
    name: db,
    url: url.toString(),
    client,
    deadlocks: async () => {
      const c = await client();
      try {
        const { rows } = await c.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = $1', [db]);
        return Number(rows[0]?.n ?? 0);
      } finally {
        await c.end();
      }
    },
    backendCpu: async (backendType?: string) => {
      const c = await client();
      try {
        const { rows } = await c.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND ($2::text IS NULL OR backend_type = $2)',
          [db, backendType ?? null],
        );
        return cpuOf(rows.map((r) => r.pid));
      } finally {
        await c.end();
      }
    },
    drop: () => admin(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`),
  };
}

export interface BenchRedis {
  url: string;
  redis: Redis;
  /**
   * `intact`, or when the database was found emptied by someone else (the e2e tests' helper
   * flushes a random logical database 1–15): the run's figures are not valid after that.
   */
  integrity(): string;
  stop(): void;
}

/**
 * A Redis logical database, flushed, with a sentinel key watched every second. Pub/sub channels
 * are server-wide: filter what you hear.
 */
export async function benchRedis(db: number): Promise<BenchRedis> {
  const url = `${REDIS_BASE}/${db}`;
  const redis = new Redis(url);
  await redis.flushdb();
  const token = randomBytes(8).toString('hex');
  await redis.set('bench:sentinel', token);
  let flushedAt: Date | null = null;
  const timer = setInterval(() => {
    void redis
      .get('bench:sentinel')
      .then((v) => {
        if (v !== token && !flushedAt) flushedAt = new Date();
      })
      .catch(() => undefined);
  }, 1000);
  return {
    url,
    redis,
    integrity: () =>
      flushedAt
        ? `NOT intact: Redis database ${db} was emptied by another process at ${flushedAt.toISOString().slice(11, 19)} ` +
          '(e.g. an e2e test flushing a random logical database); figures from then on are not valid, rerun'
        : `intact (sentinel key present throughout)`,
    stop: () => clearInterval(timer),
  };
}
