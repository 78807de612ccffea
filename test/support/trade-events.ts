import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import {
  LeaderboardUpdatedPayload,
  TradeEventPayload,
  TradeEventRow,
  toTradeEventPayload,
} from '../../src/events/trade-event.payload';
import { LeaderboardUpdatedChannel } from '../../src/redis/contracts/leaderboard-updated-channel';
import { TradeEventsChannel } from '../../src/redis/contracts/trade-events-channel';

export interface TestTrader {
  id: number;
  address: string;
}

export interface EventSpec {
  coin?: string;
  eventType?: TradeEventPayload['event_type'];
  previous?: string;
  current?: string;
  source?: 'stream' | 'snapshot';
  timestamp?: Date;
}

export function randomTestAddress(): string {
  return `0x${randomBytes(20).toString('hex')}`;
}

/** A coin name no other test run uses (e.g. `ETH-3fa1`), so coin rooms do not catch foreign events. */
export function testCoin(base: string): string {
  return `${base}-${randomBytes(2).toString('hex')}`;
}

/**
 * Stores trade events as tracking does (a `trade_events` row first) and publishes them on the
 * Redis `trade_events` channel as the relay does, for gateway and API tests.
 */
export class TestEvents {
  /** Every trader address this instance created: live clients ignore events of anyone else. */
  readonly known = new Set<string>();

  private constructor(
    readonly pg: Client,
    readonly redis: Redis,
  ) {}

  /**
   * Redis pub/sub channels are server-wide, so concurrent test runs hear each other's events:
   * event ids start at a random offset here (a foreign event never shares an id with ours, which
   * the gateway would drop as a duplicate), and traders have random addresses.
   */
  static async open(databaseUrl: string, redisUrl: string): Promise<TestEvents> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    const offset = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000) * 1000;
    await pg.query(`SELECT setval(pg_get_serial_sequence('trade_events', 'id'), $1)`, [offset]);
    return new TestEvents(pg, new Redis(redisUrl));
  }

  async trader(address = randomTestAddress(), extra: { accountValue?: string; lastSeen?: Date } = {}): Promise<TestTrader> {
    const { rows } = await this.pg.query<{ id: string }>(
      `INSERT INTO traders (address, last_seen_trading_at, account_value, trades_seen)
       VALUES ($1, $2, $3, 1) RETURNING id`,
      [address.toLowerCase(), extra.lastSeen ?? new Date(), extra.accountValue ?? null],
    );
    this.known.add(address.toLowerCase());
    return { id: Number(rows[0].id), address: address.toLowerCase() };
  }

  /** Inserts the row (published_at set, as after the relay) and returns the payload clients get. */
  async store(trader: TestTrader, spec: EventSpec = {}): Promise<TradeEventPayload> {
    const coin = spec.coin ?? 'BTC';
    const previous = spec.previous ?? '0';
    const current = spec.current ?? '1';
    const source = spec.source ?? 'stream';
    const details = {
      coin,
      previous_size: previous,
      current_size: current,
      size_change: String(Number(current) - Number(previous)),
      side: Number(current) < 0 || (Number(current) === 0 && Number(previous) < 0) ? 'short' : 'long',
      entry_price: '100',
      source,
    };
    const { rows } = await this.pg.query<TradeEventRow>(
      `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       RETURNING id, trader_id, trader_address, timestamp, event_type, details`,
      [
        trader.id,
        trader.address,
        coin,
        spec.eventType ?? 'position_opened',
        source,
        spec.timestamp ?? new Date(),
        JSON.stringify(details),
        `test:${randomBytes(8).toString('hex')}`,
      ],
    );
    return toTradeEventPayload(rows[0]);
  }

  async publish(event: TradeEventPayload): Promise<void> {
    await this.redis.publish(TradeEventsChannel.channel, JSON.stringify(event));
  }

  /** Store, then publish: what a position change looks like to the api role. */
  async emit(trader: TestTrader, spec: EventSpec = {}): Promise<TradeEventPayload> {
    const event = await this.store(trader, spec);
    await this.publish(event);
    return event;
  }

  async publishLeaderboard(payload: LeaderboardUpdatedPayload): Promise<void> {
    await this.redis.publish(LeaderboardUpdatedChannel.channel, JSON.stringify(payload));
  }

  async close(): Promise<void> {
    await this.pg.end();
    this.redis.disconnect();
  }
}
