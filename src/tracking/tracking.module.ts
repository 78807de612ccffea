import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { HealthModule } from '../health/health.module';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { AccountHistoryRepository } from './account-history.repository';
import { SnapshotRepository } from './snapshot.repository';
import { TrackingHealthIndicator } from './tracking.health';
import { TrackingMetrics } from './tracking.metrics';
import { TrackingQueueRepository } from './tracking-queue.repository';
import { TrackingRunner } from './tracking.runner';
import { TrackingScheduler } from './tracking.scheduler';
import { TrackingService } from './tracking.service';
import { VaultCheckService } from './vault-check.service';

/** Role `worker`: budgeted clearinghouseState snapshots → position events. */
@Module({
  imports: [HyperliquidModule, EventsModule, HealthModule],
  providers: [
    TrackingQueueRepository,
    SnapshotRepository,
    AccountHistoryRepository,
    TrackingService,
    TrackingRunner,
    TrackingScheduler,
    TrackingMetrics,
    VaultCheckService,
    TrackingHealthIndicator,
  ],
  exports: [TrackingRunner],
})
export class TrackingModule {}
