import { Module } from '@nestjs/common';
import { FillsRepository } from '../discovery/fills.repository';
import { EventsDataModule } from '../events/events-data.module';
import { GatewayModule } from '../gateway/gateway.module';
import { TradersDataModule } from '../traders/data/traders-data.module';
import { RateBudgetModule } from '../rate-budget/rate-budget.module';
import { FreshnessController, StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

/** GET /api/v1/stats and GET /health/traders (api role). Reads the weight budget, never spends it. */
@Module({
  imports: [GatewayModule, RateBudgetModule, TradersDataModule, EventsDataModule],
  controllers: [StatsController, FreshnessController],
  providers: [StatsRepository, StatsService, FillsRepository],
})
export class StatsModule {}
