import type { WsSubscription } from './hyperliquid.types';

/** Frames the client sends on the Hyperliquid WebSocket. */

export function tradesSubscription(coin: string): WsSubscription {
  return { type: 'trades', coin };
}

export function subscribeMessage(subscription: WsSubscription): string {
  return JSON.stringify({ method: 'subscribe', subscription });
}

export function unsubscribeMessage(subscription: WsSubscription): string {
  return JSON.stringify({ method: 'unsubscribe', subscription });
}

export const PING_MESSAGE = '{"method":"ping"}';

/**
 * Identity of a subscription for matching acks to requests: type + coin + user, since the
 * server echoes the subscription with defaults filled in (extra keys).
 */
export function subscriptionKey(subscription: WsSubscription): string {
  const coin = typeof subscription.coin === 'string' ? subscription.coin : '';
  const user = typeof subscription.user === 'string' ? subscription.user.toLowerCase() : '';
  return `${subscription.type}|${coin}|${user}`;
}
