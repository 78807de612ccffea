import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';

/** Arbitrary constant: the advisory-lock key every replica agrees on for migrations. */
export const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations under a Postgres advisory lock, so replicas booting together
 * migrate exactly once: the first takes the lock and migrates, the others wait, then find
 * nothing pending. Returns the names of the migrations this call applied.
 */
export async function runMigrationsWithLock(databaseUrl: string, logger = new Logger('Migrations')): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, { extra: { max: 2 } }));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const names = applied.map((m) => m.name);
      logger.log({ msg: 'migrations applied', applied: names.length, names });
      return names;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
