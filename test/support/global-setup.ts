import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { Client } from 'pg';
import { databaseUrl, PG_ADMIN_URL, ROOT, STALE_AFTER_SECONDS, TEST_DB_PREFIX, testDbName } from './env';

/**
 * Migrates once into this run's template database with the real migration CLI (dist/), so every
 * test file can clone it with CREATE DATABASE … TEMPLATE: fast, isolated, no truncation races.
 * Databases left by crashed runs (older than a few hours) are swept; live runs are left alone.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (!existsSync(`${ROOT}/dist/main.js`)) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  }
  if (!existsSync(`${ROOT}/dist/migrations`)) {
    execFileSync(process.execPath, [`${ROOT}/node_modules/typescript/bin/tsc`, '-p', `${ROOT}/tsconfig.migrations.json`]);
  }
  const template = testDbName(`tpl_${process.pid}`);
  process.env.TS_TEST_TEMPLATE_DB = template;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${TEST_DB_PREFIX}%`,
    ]);
    const now = Date.now() / 1000;
    for (const { datname } of rows) {
      const created = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]);
      if (!Number.isFinite(created) || now - created > STALE_AFTER_SECONDS) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  execFileSync(process.execPath, [`${ROOT}/dist/database/migrate.cli.js`], {
    env: { ...process.env, DATABASE_URL: databaseUrl(template), LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
}
