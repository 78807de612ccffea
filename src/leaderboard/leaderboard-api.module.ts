import { Module } from '@nestjs/common';
import { ThrottleModule } from '../throttle/throttle.module';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { LeaderboardCache } from './leaderboard-cache.service';
import { LeaderboardFastPath } from './leaderboard-fast-path';
import { LeaderboardGenerations } from './leaderboard-generation.service';
import { LeaderboardQueryService } from './leaderboard-query.service';
import { LeaderboardReadRepository } from './leaderboard-read.repository';
import { LeaderboardReadService } from './leaderboard-read.service';
import { LeaderboardController } from './leaderboard.controller';

/**
 * Role `api`: the cached leaderboard routes (LeaderboardFastPath answers held pages ahead of Nest's
 * pipeline; createApp installs it), and LeaderboardReadService for the trader detail.
 */
@Module({
  imports: [ThrottleModule],
  controllers: [LeaderboardController],
  providers: [
    LeaderboardReadRepository,
    LeaderboardGenerations,
    LeaderboardCache,
    LeaderboardApiMetrics,
    LeaderboardQueryService,
    LeaderboardReadService,
    LeaderboardFastPath,
  ],
  exports: [LeaderboardReadService, LeaderboardFastPath],
})
export class LeaderboardApiModule {}
