import { Module } from '@nestjs/common';
import { CopyEngineModule } from '../copy/copy-engine.module';
import { ExchangeBoardModule } from '../leaderboard/exchange-board.module';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LiveModule } from '../live/live.module';
import { TrackingModule } from '../tracking/tracking.module';

/** Role `worker`: tracking (75 s), live positions from the stream, leaderboard (10 min), the exchange's leaderboard file (daily), admin-queued jobs, ledger partitions (hourly), the copy engine. */
@Module({ imports: [TrackingModule, LiveModule, LeaderboardModule, ExchangeBoardModule, LedgerModule, CopyEngineModule] })
export class WorkerRoleModule {}
