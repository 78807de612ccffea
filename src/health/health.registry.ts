import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { withTimeout } from '../common/timers';

export interface HealthIndicator {
  name: string;
  /** A required indicator that is down turns /health/detailed into a 503. */
  required: boolean;
  /** Resolves with details when healthy; throws (or returns status 'down') when not. */
  check: () => Promise<Record<string, unknown> & { status?: 'up' | 'down' }>;
}

export interface IndicatorReport extends Record<string, unknown> {
  status: 'up' | 'down';
  required: boolean;
  latency_ms: number;
  last_success_at: string | null;
  error?: string;
}

const CHECK_TIMEOUT_MS = 2000;

/** Every module registers what it depends on; /health/detailed runs them all in parallel. */
@Injectable()
export class HealthRegistry {
  private readonly indicators = new Map<string, HealthIndicator>();
  private readonly lastSuccess = new Map<string, Date>();

  constructor(registry: Registry) {
    // On every scrape: 1 per check that is up, 0 when down (alert on required="true" at 0).
    const run = () => this.run();
    new Gauge({
      name: 'health_check_up',
      help: 'Each /health/detailed check of this process: 1 up, 0 down',
      labelNames: ['check', 'required'],
      registers: [registry],
      async collect() {
        const { checks } = await run();
        this.reset();
        for (const [name, r] of Object.entries(checks)) this.labels(name, String(r.required)).set(r.status === 'up' ? 1 : 0);
      },
    });
  }

  register(indicator: HealthIndicator): void {
    this.indicators.set(indicator.name, indicator);
  }

  async run(): Promise<{ healthy: boolean; checks: Record<string, IndicatorReport> }> {
    const entries = await Promise.all(
      [...this.indicators.values()].map(async (ind): Promise<[string, IndicatorReport]> => {
        const started = Date.now();
        try {
          const { status = 'up', ...details } = await withTimeout(ind.check(), CHECK_TIMEOUT_MS);
          if (status === 'up') this.lastSuccess.set(ind.name, new Date());
          return [ind.name, this.report(ind, status, started, details)];
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          return [ind.name, this.report(ind, 'down', started, { error })];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const healthy = entries.every(([, r]) => r.status === 'up' || !r.required);
    return { healthy, checks };
  }

  private report(
    ind: HealthIndicator,
    status: 'up' | 'down',
    started: number,
    details: Record<string, unknown>,
  ): IndicatorReport {
    return {
      status,
      required: ind.required,
      latency_ms: Date.now() - started,
      last_success_at: this.lastSuccess.get(ind.name)?.toISOString() ?? null,
      ...details,
    };
  }
}
