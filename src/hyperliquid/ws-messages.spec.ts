import { readFileSync } from 'fs';
import { join } from 'path';
import { PING_MESSAGE, subscribeMessage, subscriptionKey, tradesSubscription, unsubscribeMessage } from './ws-messages';

const fixture = (path: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../test/fixtures', path), 'utf8'));

describe('client frames', () => {
  it('match the documented ping and subscribe frames', () => {
    expect(JSON.parse(PING_MESSAGE)).toEqual(fixture('ws/ping.request.json'));
    expect(JSON.parse(subscribeMessage(tradesSubscription('SOL')))).toEqual(fixture('ws/subscribe.trades.request.json'));
    expect(JSON.parse(unsubscribeMessage(tradesSubscription('SOL')))).toEqual({
      method: 'unsubscribe',
      subscription: { type: 'trades', coin: 'SOL' },
    });
  });

  it('matches an ack with defaults filled in to its request', () => {
    expect(subscriptionKey({ type: 'trades', coin: 'SOL' })).toBe(
      subscriptionKey({ type: 'trades', coin: 'SOL', extra: true }),
    );
    expect(subscriptionKey({ type: 'userFills', user: '0xAB' })).toBe(subscriptionKey({ type: 'userFills', user: '0xab' }));
    expect(subscriptionKey({ type: 'trades', coin: 'SOL' })).not.toBe(subscriptionKey({ type: 'trades', coin: 'BTC' }));
  });
});
