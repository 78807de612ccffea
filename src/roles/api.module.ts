import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { createKeyv } from '@keyv/redis';
import { Keyv } from 'keyv';
import { AdminModule } from '../admin/admin.module';
import { AppConfig } from '../config/app-config';
import { CopyApiModule } from '../copy/copy-api.module';
import { DashboardModule } from '../dashboard/dashboard.module';
import { GatewayModule } from '../gateway/gateway.module';
import { LeaderboardApiModule } from '../leaderboard/leaderboard-api.module';
import { StatsModule } from '../stats/stats.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { TradersModule } from '../traders/traders.module';
import { RootController } from './root.controller';

/** Role `api`: REST, Swagger, the Socket.IO gateway and the plain WebSocket; never calls the exchange. */
@Module({
  imports: [
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // REDIS_URL=memory:// (single-process demo): an in-process Keyv store.
        const store = config.inMemoryRedis
          ? new Keyv({ namespace: 'ts:cache' })
          : createKeyv(config.redisUrl, { namespace: 'ts:cache' });
        store.on('error', () => undefined); // outages fall back to the database, see callers
        return { stores: [store], ttl: config.leaderboardCacheTtlSeconds * 1000 };
      },
    }),
    ThrottleModule,
    GatewayModule,
    TradersModule,
    LeaderboardApiModule,
    StatsModule,
    AdminModule,
    DashboardModule,
    CopyApiModule,
  ],
  controllers: [RootController],
})
export class ApiRoleModule {}
