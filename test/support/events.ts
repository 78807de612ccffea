import Redis from 'ioredis';
import type { TradeEventPayload } from '../../src/events/trade-event.payload';
import { TradeEventsChannel } from '../../src/redis/contracts/trade-events-channel';

/** Listens on the Redis `trade_events` channel like a gateway would, recording every message. */
export class EventListener {
  readonly received: Array<TradeEventPayload & { receivedAt: number }> = [];
  private constructor(private readonly sub: Redis) {}

  static async start(redisUrl: string): Promise<EventListener> {
    const sub = new Redis(redisUrl);
    const listener = new EventListener(sub);
    sub.on('message', (_channel: string, message: string) => {
      listener.received.push({ ...(JSON.parse(message) as TradeEventPayload), receivedAt: Date.now() });
    });
    await sub.subscribe(TradeEventsChannel.channel);
    return listener;
  }

  forTrader(address: string): Array<TradeEventPayload & { receivedAt: number }> {
    return this.received.filter((e) => e.trader_address === address);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
  }
}

/** A fresh random lower-case address. */
export function randomAddress(): string {
  let hex = '';
  for (let i = 0; i < 40; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `0x${hex}`;
}
