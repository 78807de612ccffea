import { Module } from '@nestjs/common';
import { EventOutboxRepository } from './event-outbox.repository';

/** `trade_events`' repository on its own, for the roles that read events without publishing them. */
@Module({ providers: [EventOutboxRepository], exports: [EventOutboxRepository] })
export class EventsDataModule {}
