import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import {
  type LeaderboardUpdatedPayload,
  LeaderboardUpdatedChannel,
  encodeLeaderboardUpdated,
} from '../redis/contracts/leaderboard-updated-channel';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { EnrichmentService } from './enrichment.service';
import { ComputedGeneration, LeaderboardComputeRepository } from './leaderboard-compute.repository';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from './leaderboard-fields';
import { LeaderboardMetrics } from './leaderboard.metrics';
import { RiskService } from './risk.service';

/** PostgreSQL memory for the run's aggregations and sorts (per sort/hash node). */
const WORK_MEM = '512MB';

export type RunReason = 'boot' | 'schedule' | 'admin' | 'lost';

/**
 * Runs a computation (one at a time per process, one at a time across workers), then announces
 * it. At shutdown a run in progress is cancelled (rolled back; the next worker recomputes).
 */
@Injectable()
export class LeaderboardService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LeaderboardService.name);
  private running: Promise<ComputedGeneration | null> | null = null;
  lastRun: { at: Date; id: number; durationMs: number } | null = null;
  lastError: { at: Date; message: string } | null = null;

  constructor(
    private readonly repo: LeaderboardComputeRepository,
    private readonly metrics: LeaderboardMetrics,
    private readonly config: AppConfig,
    private readonly enrichment: EnrichmentService,
    private readonly risk: RiskService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  get busy(): boolean {
    return this.running !== null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    await this.repo.cancel().catch(() => undefined);
    await this.running.catch(() => undefined);
  }

  /** Null when another worker holds the lock or has just computed (its run announces itself). */
  recompute(reason: RunReason): Promise<ComputedGeneration | null> {
    this.running ??= this.run(reason).finally(() => (this.running = null));
    return this.running;
  }

  private async run(reason: RunReason): Promise<ComputedGeneration | null> {
    const timer = this.metrics.duration.startTimer();
    try {
      const result = await this.repo.compute({
        weights: this.config.leaderboardWeights,
        includeVaults: this.config.includeVaults,
        minTrades: DEFAULT_MIN_TRADES,
        minVolumeUsd: DEFAULT_MIN_VOLUME_USD,
        workMem: WORK_MEM,
        // A scheduled run re-checks under the lock: another worker may have just computed one.
        ifOlderThanSeconds: reason === 'admin' ? undefined : this.config.leaderboardIntervalSeconds,
      });
      if (!result) {
        this.metrics.runs.inc({ result: 'skipped' });
        return null;
      }
      timer();
      this.metrics.runs.inc({ result: 'ok' });
      this.lastRun = { at: result.computedAt, id: result.id, durationMs: result.durationMs };
      this.logger.log({
        msg: 'leaderboard computed',
        reason,
        generation: result.id,
        traders: result.count,
        rows: result.rows,
        eligible: result.eligible,
        ledger_rebuilt: result.ledgerRebuilt,
        duration_ms: result.durationMs,
        stages_ms: result.stages,
      });
      await this.announce(result);
      this.enrichment.wake();
      // Risk figures of the traders whose inputs changed, for the next run (in the background).
      void this.risk.refresh();
      return result;
    } catch (err) {
      this.metrics.runs.inc({ result: 'failed' });
      this.lastError = { at: new Date(), message: (err as Error).message };
      throw err;
    }
  }

  /** `leaderboard_updated` on Redis (the gateways relay it to clients). */
  private async announce(result: ComputedGeneration): Promise<void> {
    const payload: LeaderboardUpdatedPayload = { computed_at: result.computedAt.toISOString(), count: result.count };
    try {
      await this.redis.publish(LeaderboardUpdatedChannel.channel, encodeLeaderboardUpdated(payload));
    } catch (err) {
      this.logger.warn({ msg: 'could not publish leaderboard_updated', generation: result.id, error: (err as Error).message });
    }
  }
}
