import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { LiveDataModule } from '../live/live-data.module';
import { TrackingHealthIndicator } from './tracking.health';
import { TrackingMetrics } from './tracking.metrics';
import { TradersDataModule } from '../traders/data/traders-data.module';
import { TrackingRunner } from './tracking.runner';
import { TrackingScheduler } from './tracking.scheduler';
import { TrackingService } from './tracking.service';
import { VaultCheckModule } from './vault-check.module';

/** Role `worker`: spends the REST budget on clearinghouseState snapshots where the stream is blind. */
@Module({
  imports: [HyperliquidModule, HealthModule, VaultCheckModule, TradersDataModule, LiveDataModule],
  providers: [
    TrackingService,
    TrackingRunner,
    TrackingScheduler,
    TrackingMetrics,
    TrackingHealthIndicator,
  ],
  exports: [TrackingRunner, VaultCheckModule],
})
export class TrackingModule {}
