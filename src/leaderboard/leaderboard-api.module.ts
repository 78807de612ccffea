import { Module } from '@nestjs/common';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { LeaderboardCache } from './leaderboard-cache.service';
import { LeaderboardGenerations } from './leaderboard-generation.service';
import { LeaderboardQueryService } from './leaderboard-query.service';
import { LeaderboardReadRepository } from './leaderboard-read.repository';
import { LeaderboardReadService } from './leaderboard-read.service';
import { LeaderboardController } from './leaderboard.controller';

/** Role `api`: the cached leaderboard routes, and LeaderboardReadService for the trader detail. */
@Module({
  controllers: [LeaderboardController],
  providers: [
    LeaderboardReadRepository,
    LeaderboardGenerations,
    LeaderboardCache,
    LeaderboardApiMetrics,
    LeaderboardQueryService,
    LeaderboardReadService,
  ],
  exports: [LeaderboardReadService],
})
export class LeaderboardApiModule {}
