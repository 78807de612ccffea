import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { dataSourceOptions } from './data-source.options';
import { DatabaseHealthIndicator } from './database.health';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.databaseUrl, { extra: { max: config.dbPoolMax, connectionTimeoutMillis: 5000 } }),
        // Keep booting when Postgres is briefly down: health reports it, callers retry.
        retryAttempts: 5,
        retryDelay: 1000,
      }),
    }),
    HealthModule,
  ],
  providers: [DatabaseHealthIndicator],
})
export class DatabaseModule {}
