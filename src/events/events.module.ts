import { Module } from '@nestjs/common';
import { EventOutboxRepository } from './event-outbox.repository';
import { EventPublisher } from './event-publisher.service';

/** Publishing of stored trade events (with the outbox relay); used by the roles that detect events. */
@Module({
  providers: [EventOutboxRepository, EventPublisher],
  exports: [EventPublisher],
})
export class EventsModule {}
