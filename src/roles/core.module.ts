import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { HealthController } from '../health/health.controller';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule } from '../redis/redis.module';

/** What every role has: config, JSON logs, Postgres, Redis, /health, /health/detailed, /metrics. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: false,
            quietReqLogger: true,
            base: { role: [...config.roles].join(',') },
          },
        }),
        MetricsModule,
        HealthModule,
        DatabaseModule,
        RedisModule,
      ],
      controllers: [HealthController],
    };
  }
}
