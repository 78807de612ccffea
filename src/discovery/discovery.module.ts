import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { HyperliquidModule } from '../hyperliquid/hyperliquid.module';
import { DiscoveryHealthIndicator } from './discovery.health';
import { DiscoveryMetrics } from './discovery.metrics';
import { DiscoveryService } from './discovery.service';
import { FillsRepository } from './fills.repository';
import { TradeIngestService } from './trade-ingest.service';

/** The trade-stream consumer: every perp market's trades into traders and the fills ledger. */
@Module({
  imports: [HyperliquidModule, HealthModule],
  providers: [DiscoveryService, TradeIngestService, FillsRepository, DiscoveryMetrics, DiscoveryHealthIndicator],
  exports: [DiscoveryService, TradeIngestService],
})
export class DiscoveryModule {}
