/** Where the e2e tests find Postgres and Redis (override with TEST_PG_ADMIN_URL / TEST_REDIS_URL). */
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_BASE_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ROOT = `${__dirname}/../..`;

/** Test databases carry their creation time, so a run only sweeps what crashed runs left behind. */
export const TEST_DB_PREFIX = 'ts_test_';
export const STALE_AFTER_SECONDS = 3 * 3600;

/** The template this run migrated (set by the global setup; one per run, so runs never collide). */
export function templateDb(): string {
  const name = process.env.TS_TEST_TEMPLATE_DB;
  if (!name) throw new Error('TS_TEST_TEMPLATE_DB is not set: run the e2e tests through jest (global setup)');
  return name;
}

export function testDbName(suffix: string): string {
  return `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${suffix}`;
}

export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
