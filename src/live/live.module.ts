import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { HealthModule } from '../health/health.module';
import { LiveApplierService } from './live-applier.service';
import { LiveHealthIndicator } from './live.health';
import { LiveRepository } from './live.repository';

/** Live positions from the trade stream (worker role; one leader applies, the rest stand by). */
@Module({
  imports: [EventsModule, HealthModule],
  providers: [LiveApplierService, LiveRepository, LiveHealthIndicator],
  exports: [LiveApplierService],
})
export class LiveModule {}
