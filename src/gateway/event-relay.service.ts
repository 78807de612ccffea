import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';
import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';
import { LeaderboardUpdatedChannel, parseLeaderboardMessage } from '../redis/contracts/leaderboard-updated-channel';
import { TradeEventsChannel, parseTradeEventMessage } from '../redis/contracts/trade-events-channel';
import { REDIS_SUBSCRIBER } from '../redis/redis.tokens';
import { GatewayMetrics } from './gateway.metrics';
import { PlainWsGateway } from './plain-ws.gateway';
import { RecentIds } from './recent-ids';
import { UpdatesGateway } from './updates.gateway';
import { EventOutboxRepository } from '../events/event-outbox.repository';

/** Ids remembered for de-duplication (~1 MB); far more than a re-publish or a backfill spans. */
const RECENT_IDS = 50_000;
/** A backfill after a Redis reconnect starts this long before the link went down. */
const BACKFILL_MARGIN_MS = 5_000;
const BACKFILL_LIMIT = 5_000;

/**
 * The one consumer of the Redis `trade_events` and `leaderboard_updated` channels in this api
 * process (one SUBSCRIBE on the shared subscriber connection, however many clients). Each event id
 * is delivered at most once per process (a bounded recent-id set drops re-publishes), to this
 * process's clients only: every replica runs its own relay and every client is connected to
 * exactly one replica, so each client gets each event exactly once.
 *
 * Redis pub/sub is at-most-once: while the subscription is down, events are missed. After a
 * reconnect the relay reads what was stored meanwhile from `trade_events` (events are stored
 * before they are published) and delivers it; the recent-id set drops the overlap.
 */
@Injectable()
export class EventRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EventRelayService.name);
  private readonly seenEvents = new RecentIds<number>(RECENT_IDS);
  private readonly seenLeaderboards = new RecentIds<string>(64);
  private readonly channels = [TradeEventsChannel.channel, LeaderboardUpdatedChannel.channel];
  private linkLostAt: number | null = null;
  private stopped = false;

  constructor(
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    private readonly updates: UpdatesGateway,
    private readonly plain: PlainWsGateway,
    private readonly backfill: EventOutboxRepository,
    private readonly metrics: GatewayMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('close', this.onClose);
    this.subscriber.on('ready', this.onReady);
    // Subscribing before the connection is ready makes ioredis's ready check (INFO, refused in
    // subscriber mode) fail and reconnect: subscribe once it is ready (without holding up the boot
    // when Redis is down; ioredis re-subscribes by itself after later reconnects).
    if (this.subscriber.status === 'ready') await this.subscribe();
    else this.subscriber.once('ready', () => void this.subscribe());
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(...this.channels);
      this.logger.log({ msg: 'relaying live events', channels: this.channels });
    } catch (err) {
      this.logger.error({ msg: 'subscribing to the live event channels failed', error: (err as Error).message });
    }
  }

  /** Before Redis connections close (another module's shutdown hook), so that is not taken for an outage. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('close', this.onClose);
    this.subscriber.off('ready', this.onReady);
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(...this.channels).catch(() => undefined);
  }

  /** Delivers one event to this process's clients unless its id was already delivered. */
  deliverTradeEvent(event: TradeEventPayload): boolean {
    if (!this.seenEvents.add(event.id)) {
      this.metrics.duplicates.inc();
      return false;
    }
    this.updates.broadcastTradeEvent(event);
    this.plain.broadcastTradeEvent(event);
    return true;
  }

  deliverLeaderboard(payload: LeaderboardUpdatedPayload): boolean {
    if (!this.seenLeaderboards.add(`${payload.computed_at}|${payload.count}`)) {
      this.metrics.duplicates.inc();
      return false;
    }
    this.updates.broadcastLeaderboard(payload);
    this.plain.broadcastLeaderboard(payload);
    return true;
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === TradeEventsChannel.channel) {
      this.metrics.received.labels(channel).inc();
      const parsed = parseTradeEventMessage(message);
      if (parsed.ok) this.deliverTradeEvent(parsed.value);
      else this.invalid(channel, parsed.error);
    } else if (channel === LeaderboardUpdatedChannel.channel) {
      this.metrics.received.labels(channel).inc();
      const parsed = parseLeaderboardMessage(message);
      if (parsed.ok) this.deliverLeaderboard(parsed.value);
      else this.invalid(channel, parsed.error);
    }
  };

  private readonly onClose = (): void => {
    if (!this.stopped && this.linkLostAt === null) {
      this.linkLostAt = Date.now();
      this.logger.warn({ msg: 'live event subscription lost; will backfill from the database on reconnect' });
    }
  };

  private readonly onReady = (): void => {
    if (this.linkLostAt === null || this.stopped) return;
    const since = new Date(this.linkLostAt - BACKFILL_MARGIN_MS);
    this.linkLostAt = null;
    void this.backfillSince(since);
  };

  private async backfillSince(since: Date): Promise<void> {
    try {
      // ioredis re-subscribes right after 'ready'; a PING answered on the same connection means
      // the subscription is live, so everything stored from now on arrives on the channel.
      await this.subscriber.ping();
      const events = await this.backfill.storedSince(since, BACKFILL_LIMIT);
      let delivered = 0;
      for (const event of events) if (this.deliverTradeEvent(event)) delivered++;
      this.metrics.backfilled.inc(delivered);
      this.logger.log({ msg: 'backfilled live events after a reconnect', since: since.toISOString(), read: events.length, delivered });
    } catch (err) {
      this.logger.error({ msg: 'backfill after reconnect failed', error: (err as Error).message });
    }
  }

  private invalid(channel: string, error: string): void {
    this.metrics.invalid.labels('redis').inc();
    this.logger.warn({ msg: 'dropping a malformed channel message', channel, error });
  }
}
