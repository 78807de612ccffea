import { Module } from '@nestjs/common';
import { CopyEngineModule } from '../copy/copy-engine.module';
import { ExchangeBoardModule } from '../leaderboard/exchange-board.module';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { LiveModule } from '../live/live.module';
import { TrackingModule } from '../tracking/tracking.module';

/** Role `worker`: tracking (75 s), live positions from the stream, leaderboard (10 min), the exchange's leaderboard file (daily), admin-queued jobs, the copy engine. */
@Module({ imports: [TrackingModule, LiveModule, LeaderboardModule, ExchangeBoardModule, CopyEngineModule] })
export class WorkerRoleModule {}
