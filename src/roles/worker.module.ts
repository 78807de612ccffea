import { Module } from '@nestjs/common';
import { TrackingModule } from '../tracking/tracking.module';

/** Role `worker`: tracking (75 s) and leaderboard (10 min) schedules, admin-queued jobs. */
@Module({ imports: [TrackingModule] })
export class WorkerRoleModule {}
