import { Module } from '@nestjs/common';

/** Role `worker`: tracking (75 s) and leaderboard (10 min) schedules, admin-queued jobs. */
@Module({})
export class WorkerRoleModule {}
