import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../health/health.registry';
import { RateBudget } from '../rate-budget/rate-budget';
import { TrackingRunner } from './tracking.runner';

/** `tracking` in /health/detailed: last round, last snapshot, budget state. */
@Injectable()
export class TrackingHealthIndicator implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly runner: TrackingRunner,
    private readonly budget: RateBudget,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'tracking',
      required: false,
      check: async () => {
        const usage = await this.budget.usage();
        const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
        const stale = this.runner.lastTickAt !== null && Date.now() - this.runner.lastTickAt > 3 * this.config.trackingIntervalSeconds * 1000;
        return {
          status: stale ? 'down' : 'up',
          last_tick_at: iso(this.runner.lastTickAt),
          last_snapshot_at: iso(this.runner.lastSnapshotAt),
          budget: {
            weight_per_minute: usage.weightPerMinute,
            used_last_minute: usage.usedLastMinute,
            paused_until: iso(usage.pausedUntil),
            consecutive_429: usage.consecutive429,
          },
        };
      },
    });
  }
}
