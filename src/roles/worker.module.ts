import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LiveModule } from '../live/live.module';
import { TrackingModule } from '../tracking/tracking.module';

/** Role `worker`: tracking (75 s), live positions from the stream, leaderboard (10 min), admin-queued jobs, ledger partitions (hourly). */
@Module({ imports: [TrackingModule, LiveModule, LeaderboardModule, LedgerModule] })
export class WorkerRoleModule {}
