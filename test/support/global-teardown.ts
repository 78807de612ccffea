import { Client } from 'pg';
import { PG_ADMIN_URL } from './env';

/** Drops this run's template (test files drop their own databases). */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.TS_TEST_TEMPLATE_DB;
  if (!template) return;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
