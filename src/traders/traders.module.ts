import { Module } from '@nestjs/common';
import { LeaderboardApiModule } from '../leaderboard/leaderboard-api.module';
import { EventsController } from './events.controller';
import { LegacyTradersController } from './legacy-traders.controller';
import { TradersController } from './traders.controller';
import { TradersRepository } from './traders.repository';
import { TradersService } from './traders.service';

/** Read API over traders, their positions, events and history (api role). */
@Module({
  imports: [LeaderboardApiModule],
  controllers: [TradersController, LegacyTradersController, EventsController],
  providers: [TradersRepository, TradersService],
  exports: [TradersService],
})
export class TradersModule {}
