import { Module } from '@nestjs/common';
import { EventsDataModule } from './events-data.module';
import { EventPublisher } from './event-publisher.service';

/** Publishing of stored trade events (with the outbox relay); used by the roles that detect events. */
@Module({
  imports: [EventsDataModule],
  providers: [EventPublisher],
  exports: [EventPublisher],
})
export class EventsModule {}
