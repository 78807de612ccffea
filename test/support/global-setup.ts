import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { Client } from 'pg';
import { databaseUrl, PG_ADMIN_URL, ROOT, TEMPLATE_DB } from './env';

/**
 * Migrates once into a template database with the real migration CLI (dist/), so every test file
 * can clone it with CREATE DATABASE … TEMPLATE: fast, isolated, no truncation races.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (!existsSync(`${ROOT}/dist/main.js`)) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it for you)');
  }
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const stale = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'ts_test_%' OR datname = $1",
      [TEMPLATE_DB],
    );
    for (const { datname } of stale.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  execFileSync(process.execPath, [`${ROOT}/dist/database/migrate.cli.js`], {
    env: { ...process.env, DATABASE_URL: databaseUrl(TEMPLATE_DB), LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
}
