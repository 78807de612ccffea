import { Module } from '@nestjs/common';
import { EventsDataModule } from '../events/events-data.module';
import { LeaderboardApiModule } from '../leaderboard/leaderboard-api.module';
import { LiveDataModule } from '../live/live-data.module';
import { TradersDataModule } from './data/traders-data.module';
import { EventsController } from './events.controller';
import { LegacyTradersController } from './legacy-traders.controller';
import { TradersController } from './traders.controller';
import { TradersService } from './traders.service';

/** Read API over traders, their positions, events and history (api role). */
@Module({
  imports: [LeaderboardApiModule, TradersDataModule, LiveDataModule, EventsDataModule],
  controllers: [TradersController, LegacyTradersController, EventsController],
  providers: [TradersService],
  exports: [TradersService],
})
export class TradersModule {}
