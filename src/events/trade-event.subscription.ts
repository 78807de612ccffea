import type Redis from 'ioredis';
import { TradeEventsChannel, decodeTradeEvent } from '../redis/contracts/trade-events-channel';
import type { TradeEventPayload } from './trade-event.payload';
import { dropConnection } from '../redis/redis-availability';

/**
 * Subscribes a dedicated connection (a duplicate of `redis`) to the stored trade events, for
 * consumers other than the gateway (the copy engine). Delivery is at-least-once from the outbox
 * relay and at-most-once over pub/sub: consumers drop repeated ids and reconcile for gaps.
 * Returns a function that closes the subscription.
 */
export async function subscribeTradeEvents(
  redis: Redis,
  name: string,
  onEvent: (event: TradeEventPayload) => void,
): Promise<() => void> {
  const sub = redis.duplicate({ connectionName: `traderscout:${name}` });
  sub.on('error', () => undefined);
  sub.on('message', (channel: string, raw: string) => {
    if (channel !== TradeEventsChannel.channel) return;
    const event = decodeTradeEvent(raw);
    if (event) onEvent(event);
  });
  await sub.subscribe(TradeEventsChannel.channel);
  return () => dropConnection(sub);
}
