import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { Gauge, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { RateBudgetKeys } from '../redis/contracts/rate-budget';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { defaultBurstWeight } from './lost-window';
import { RateBudget } from './rate-budget';

/** Exposes the shared budget on /metrics: weight used in the last minute, 429s, pauses. */
@Injectable()
export class RateBudgetMetrics implements OnModuleInit {
  constructor(
    private readonly budget: RateBudget,
    private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const budget = this.budget;
    const registers = [this.registry];
    new Gauge({
      name: 'rate_budget_weight_per_minute',
      help: 'Configured REST weight budget per minute (shared by all processes)',
      registers,
      collect() {
        this.set(budget.weightPerMinute);
      },
    });
    new Gauge({
      name: 'rate_budget_used_last_minute',
      help: 'REST weight used in the last minute, all processes',
      registers,
      async collect() {
        // Never hold /metrics hostage to a Redis outage: skip the sample instead.
        const usage = await Promise.race([
          budget.usage().catch(() => null),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 500).unref()),
        ]);
        if (usage) this.set(usage.usedLastMinute);
      },
    });
    new Gauge({
      name: 'rate_budget_429_total',
      help: 'HTTP 429 answers seen by this process',
      registers,
      collect() {
        this.set(budget.counters().rateLimited429);
      },
    });
    new Gauge({
      name: 'rate_budget_weight_granted_total',
      help: 'Weight granted to this process',
      registers,
      collect() {
        this.set(budget.counters().weightGranted);
      },
    });
  }
}

/** One RateBudget per process, on the shared Redis keys: every exchange call goes through it. */
@Global()
@Module({
  providers: [
    {
      provide: RateBudget,
      inject: [REDIS_CLIENT, AppConfig],
      useFactory: (redis: Redis, config: AppConfig) =>
        new RateBudget(redis, {
          keyPrefix: RateBudgetKeys.prefix,
          weightPerMinute: config.rateLimitWeightPerMinute,
          windowMs: config.rateLimitWindowSeconds * 1000,
          // 2 s at the real 60 s window (≥ 0.5 s): requests reach the exchange within it of their
          // reservation even on a busy host, so the exchange's own window never sees more.
          safetyMarginMs: Math.max(500, Math.round((config.rateLimitWindowSeconds * 1000) / 30)),
          // What makes the ramp after a lost window provable (lost-window.ts).
          burstWeight: defaultBurstWeight(config.rateLimitWeightPerMinute),
          // An empty or restarted Redis forgot the last window, which the exchange did not.
          assumeSpentWhenLost: true,
          lowPriorityPercent: config.rateLimitLowPriorityPercent,
        }),
    },
    RateBudgetMetrics,
  ],
  exports: [RateBudget],
})
export class RateBudgetModule {}

