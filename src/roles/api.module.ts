import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
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
