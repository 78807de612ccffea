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
      required: true,
      check: async () => {
        // The budget lives in Redis: when Redis is down, `redis` reports it; tracking only says so.
        const usage = await Promise.race([
          this.budget.usage().catch(() => null),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref()),
        ]);
        const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
        const since = (ms: number | null) => (ms ? Math.round((Date.now() - ms) / 100) / 10 : null);
        const staleAfter = 3 * this.config.trackingIntervalSeconds;
        const stale = this.runner.lastTickAt !== null && Date.now() - this.runner.lastTickAt > staleAfter * 1000;
        return {
          status: stale ? 'down' : 'up',
          last_tick_at: iso(this.runner.lastTickAt),
          last_tick_age_seconds: since(this.runner.lastTickAt),
          last_snapshot_at: iso(this.runner.lastSnapshotAt),
          last_snapshot_age_seconds: since(this.runner.lastSnapshotAt),
          stale_after_seconds: staleAfter,
          budget: usage
            ? {
                weight_per_minute: usage.weightPerMinute,
                used_last_minute: usage.usedLastMinute,
                paused_until: iso(usage.pausedUntil),
                consecutive_429: usage.consecutive429,
              }
            : null,
        };
      },
    });
  }
}
