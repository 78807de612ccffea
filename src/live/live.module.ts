import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { HealthModule } from '../health/health.module';
import { LiveApplierService } from './live-applier.service';
import { LiveHealthIndicator } from './live.health';
import { LiveDataModule } from './live-data.module';

/** Live positions from the trade stream (worker role; one leader applies, the rest stand by). */
@Module({
  imports: [EventsModule, HealthModule, LiveDataModule],
  providers: [LiveApplierService, LiveHealthIndicator],
  exports: [LiveApplierService],
})
export class LiveModule {}
