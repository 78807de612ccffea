import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { loadConfig } from '../config/config.loader';
import { runMigrationsWithLock } from './migration-runner';

/** `npm run migration:run`: the same locked migration the app runs at boot with DB_MIGRATE=true. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  const names = await runMigrationsWithLock(config.databaseUrl);
  console.log(names.length ? `applied: ${names.join(', ')}` : 'no pending migrations');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
