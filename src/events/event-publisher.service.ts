import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Counter, Registry } from 'prom-client';
import { TradeEventsChannel, encodeTradeEvent } from '../redis/contracts/trade-events-channel';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { EventOutboxRepository } from './event-outbox.repository';
import type { TradeEventPayload } from './trade-event.payload';

const RELAY_EVERY_MS = 2000;
/** The committing process publishes within milliseconds; the relay only takes what it left behind. */
const RELAY_GRACE_MS = 10_000;

/**
 * Publishes stored events on Redis `trade_events` right after their commit, and relays any that a
 * crash or a Redis outage left unpublished. Delivery is at-least-once; the event id lets
 * consumers (the gateway) drop a second copy.
 */
@Injectable()
export class EventPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventPublisher.name);
  private timer: NodeJS.Timeout | null = null;
  private marking: Promise<unknown> = Promise.resolve();
  private readonly published: Counter;
  private readonly relayed: Counter;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly outbox: EventOutboxRepository,
    registry: Registry,
  ) {
    this.published = new Counter({ name: 'events_published_total', help: 'Trade events published on Redis', registers: [registry] });
    this.relayed = new Counter({
      name: 'events_relayed_total',
      help: 'Trade events published by the outbox relay (left unpublished by a crash or outage)',
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayOnce(), RELAY_EVERY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.marking;
  }

  /**
   * Publishes now; marks the rows in the background (the caller's next batch does not wait for
   * that write; marks run one at a time, in order). On failure the relay retries later.
   */
  async publish(events: TradeEventPayload[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.send(events);
    } catch (err) {
      this.logger.warn({ msg: 'publish failed, the relay will retry', events: events.length, error: (err as Error).message });
      return;
    }
    this.published.inc(events.length);
    const ids = events.map((e) => e.id);
    this.marking = this.marking
      .then(() => this.outbox.markPublished(ids))
      .catch((err: Error) => this.logger.warn({ msg: 'marking events published failed, the relay may send them again', events: ids.length, error: err.message }));
  }

  /** Waits for the background marks (shutdown, tests). */
  async settled(): Promise<void> {
    await this.marking;
  }

  async relayOnce(): Promise<number> {
    try {
      const n = await this.outbox.relay(RELAY_GRACE_MS, 500, (events) => this.send(events));
      if (n > 0) {
        this.relayed.inc(n);
        this.published.inc(n);
        this.logger.log({ msg: 'relayed unpublished events', count: n });
      }
      return n;
    } catch (err) {
      this.logger.warn({ msg: 'relay failed', error: (err as Error).message });
      return 0;
    }
  }

  private async send(events: TradeEventPayload[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const e of events) pipeline.publish(TradeEventsChannel.channel, encodeTradeEvent(e));
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('pipeline aborted');
  }
}
