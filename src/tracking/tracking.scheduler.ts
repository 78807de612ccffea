import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { AccountHistoryRepository } from '../live/account-history.repository';
import { msToNextRound } from './round';
import { TrackingRunner } from './tracking.runner';
import { VaultCheckService } from './vault-check.service';

const FAST_LOOP_MS = 1000;
const VAULT_CHECK_MS = 5000;
const RETENTION_MS = 3_600_000;

/**
 * The worker role's tracking schedule: a round tick every TRACKING_INTERVAL_SECONDS (aligned to
 * the interval so all workers share rounds), the ~1 s fast path for traders that just traded,
 * vault lookups, and hourly retention of the account-value series.
 */
@Injectable()
export class TrackingScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrackingScheduler.name);
  private readonly abort = new AbortController();
  private alignTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly runner: TrackingRunner,
    private readonly vaults: VaultCheckService,
    private readonly history: AccountHistoryRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
    const interval = this.config.trackingIntervalSeconds;
    this.alignTimer = setTimeout(() => {
      this.runner.tick();
      this.registry.addInterval('tracking-round', setInterval(() => this.runner.tick(), interval * 1000));
    }, msToNextRound(Date.now(), interval));
    this.registry.addInterval('tracking-fast-path', setInterval(() => void this.runner.fastLoop(), FAST_LOOP_MS));
    this.registry.addInterval('tracking-vault-check', setInterval(() => void this.vaults.pass(this.abort.signal), VAULT_CHECK_MS));
    this.registry.addInterval('tracking-retention', setInterval(() => void this.retention(), RETENTION_MS));
  }

  onModuleDestroy(): void {
    this.abort.abort();
    if (this.alignTimer) clearTimeout(this.alignTimer);
  }

  private async retention(): Promise<void> {
    try {
      const removed = await this.history.downsample();
      if (removed !== null) this.logger.log({ msg: 'account history downsampled', removed });
    } catch (err) {
      this.logger.warn({ msg: 'retention failed', error: (err as Error).message });
    }
  }
}
