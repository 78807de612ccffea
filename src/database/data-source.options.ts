import { join } from 'path';
import { DataSourceOptions } from 'typeorm';

/** Compiled code loads dist/migrations/*.js; ts-jest / ts-node load the sources in migrations/*.ts. */
export function migrationsGlob(): string[] {
  const compiled = __filename.endsWith('.js');
  return compiled
    ? [join(__dirname, '..', 'migrations', '*.js')]
    : [join(__dirname, '..', '..', 'migrations', '*.ts')];
}

export function dataSourceOptions(databaseUrl: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    // Every repository speaks set-based SQL (STYLE.md): no entity metadata is loaded.
    entities: [],
    migrations: migrationsGlob(),
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
    ...extra,
  } as DataSourceOptions;
}
