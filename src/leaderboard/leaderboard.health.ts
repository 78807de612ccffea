import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../health/health.registry';
import { EnrichmentService } from './enrichment.service';
import { LeaderboardComputeRepository } from './leaderboard-compute.repository';
import { LeaderboardScheduler } from './leaderboard.scheduler';
import { LeaderboardService } from './leaderboard.service';

/** `leaderboard` in /health/detailed (worker role): the board's age, this worker's last run and enrichment. */
@Injectable()
export class LeaderboardHealthIndicator implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly repo: LeaderboardComputeRepository,
    private readonly service: LeaderboardService,
    private readonly scheduler: LeaderboardScheduler,
    private readonly enrichment: EnrichmentService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'leaderboard',
      required: false,
      check: async () => {
        const latest = await this.repo.latestStatus();
        const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);
        const stale = latest !== null && latest.ageSeconds > 3 * this.config.leaderboardIntervalSeconds;
        return {
          status: stale || latest?.lost ? 'down' : 'up',
          generation: latest?.id ?? null,
          generation_age_seconds: latest ? Math.round(latest.ageSeconds) : null,
          computing: this.service.busy,
          last_run_here: this.service.lastRun
            ? { generation: this.service.lastRun.id, at: this.service.lastRun.at.toISOString(), duration_ms: this.service.lastRun.durationMs }
            : null,
          last_error: this.service.lastError ? { at: this.service.lastError.at.toISOString(), message: this.service.lastError.message } : null,
          last_tick_at: iso(this.scheduler.lastTickAt),
          last_enriched_at: iso(this.enrichment.lastEnrichedAt),
        };
      },
    });
  }
}
