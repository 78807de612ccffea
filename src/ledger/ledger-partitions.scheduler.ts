import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { LEDGER_TABLES, LedgerPartitionsRepository, LedgerTable } from './ledger-partitions.repository';
import { planPartitions } from './partition-plan';

const MAINTENANCE_MS = 3_600_000;
/** Days of partitions kept ready ahead of today (a worker outage shorter than this never blocks a write). */
export const PARTITION_DAYS_AHEAD = 7;
const LOCK_TIMEOUT_MS = 5000;

/**
 * The worker role's ledger retention: at boot and hourly, creates the day partitions of fills,
 * trader_fills and trade_events through today + 7 days and drops the days past
 * RETENTION_DAYS_FILLS (fills, trader_fills) / RETENTION_DAYS_EVENTS (trade_events). One replica
 * does it at a time (advisory lock); a failed tick is logged and the next one retries.
 */
@Injectable()
export class LedgerPartitionsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LedgerPartitionsScheduler.name);
  private running: Promise<void> | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly partitions: LedgerPartitionsRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.registry.addInterval('ledger-partitions', setInterval(() => void this.tick(), MAINTENANCE_MS));
  }

  /** One maintenance pass over the three tables (awaitable; concurrent calls share a pass). */
  tick(now = Date.now()): Promise<void> {
    this.running ??= this.maintain(now).finally(() => (this.running = null));
    return this.running;
  }

  retentionDays(table: LedgerTable): number {
    return table === 'trade_events' ? this.config.retentionDaysEvents : this.config.retentionDaysFills;
  }

  private async maintain(now: number): Promise<void> {
    for (const table of LEDGER_TABLES) {
      try {
        const plan = await this.partitions.apply(
          table,
          (existing) => planPartitions(table, existing, now, this.retentionDays(table), PARTITION_DAYS_AHEAD),
          LOCK_TIMEOUT_MS,
        );
        if (plan === null) return; // another replica is at it
        if (plan.drop.length > 0 || plan.create.length > 0) {
          this.logger.log({ msg: 'ledger partitions maintained', table, dropped: plan.drop, created: plan.create.length });
        }
      } catch (err) {
        this.logger.warn({ msg: 'ledger partition maintenance failed', table, error: (err as Error).message });
      }
    }
  }
}
