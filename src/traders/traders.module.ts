import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { LegacyTradersController } from './legacy-traders.controller';
import { TraderMetricsRepository } from './trader-metrics.repository';
import { TradersController } from './traders.controller';
import { TradersRepository } from './traders.repository';
import { TradersService } from './traders.service';

/** Read API over traders, their positions, events and history (api role). */
@Module({
  controllers: [TradersController, LegacyTradersController, EventsController],
  providers: [TradersRepository, TraderMetricsRepository, TradersService],
  exports: [TradersService],
})
export class TradersModule {}
