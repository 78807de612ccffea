import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LiveApplierService } from './live-applier.service';
import { LiveRepository } from './live.repository';

/** Live positions from the trade stream (worker role; one leader applies, the rest stand by). */
@Module({
  imports: [EventsModule],
  providers: [LiveApplierService, LiveRepository],
  exports: [LiveApplierService],
})
export class LiveModule {}
