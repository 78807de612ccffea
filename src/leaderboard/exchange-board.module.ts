import { Module } from '@nestjs/common';
import { ExchangeBoardRepository } from './exchange-board.repository';
import { ExchangeBoardService } from './exchange-board.service';

/** Role `worker`: seeds traders from the exchange's public leaderboard file (EXCHANGE_LEADERBOARD_URL). */
@Module({ providers: [ExchangeBoardRepository, ExchangeBoardService] })
export class ExchangeBoardModule {}
