import { Module } from '@nestjs/common';
import { CopyEngineModule } from '../copy/copy-engine.module';
import { LeaderboardModule } from '../leaderboard/leaderboard.module';
import { LiveModule } from '../live/live.module';
import { TrackingModule } from '../tracking/tracking.module';

/** Role `worker`: tracking (75 s), live positions from the stream, leaderboard (10 min), admin-queued jobs, the copy engine. */
@Module({ imports: [TrackingModule, LiveModule, LeaderboardModule, CopyEngineModule] })
export class WorkerRoleModule {}
