import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { EnrichmentRepository } from './enrichment.repository';
import { EnrichmentService } from './enrichment.service';
import { LeaderboardComputeRepository } from './leaderboard-compute.repository';
import { LeaderboardSourcesRepository } from './leaderboard-sources.repository';
import { LeaderboardHealthIndicator } from './leaderboard.health';
import { LeaderboardMetrics } from './leaderboard.metrics';
import { LeaderboardScheduler } from './leaderboard.scheduler';
import { LeaderboardService } from './leaderboard.service';
import { RiskRepository } from './risk.repository';
import { RiskService } from './risk.service';

/**
 * Role `worker`: the leaderboard computation (every LEADERBOARD_INTERVAL_SECONDS and on admin
 * request, one worker at a time) and enrichment from the exchange (low priority).
 */
@Module({
  imports: [HyperliquidModule, HealthModule],
  providers: [
    LeaderboardComputeRepository,
    LeaderboardSourcesRepository,
    LeaderboardService,
    LeaderboardScheduler,
    LeaderboardMetrics,
    EnrichmentRepository,
    EnrichmentService,
    LeaderboardHealthIndicator,
    RiskRepository,
    RiskService,
  ],
  exports: [LeaderboardService],
})
export class LeaderboardModule {}
