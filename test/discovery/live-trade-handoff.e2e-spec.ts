import Redis from 'ioredis';
import { LiveTradeHandoff, SEEN_WINDOW_MS } from '../../src/discovery/live-trade-handoff';
import type { WsTrade } from '../../src/hyperliquid/hyperliquid.types';
import { SeenTrades } from '../../src/redis/contracts/seen-trades';
import { StreamGaps } from '../../src/redis/contracts/stream-gaps';
import { TradesStream, decodeTradesEntry } from '../../src/redis/contracts/trades-stream';
import { createTestRedis } from '../support/redis';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);

function trade(coin: string, tid: number, time: number): WsTrade {
  return { coin, side: 'B', px: '100', sz: '1', hash: '0x' + '0'.repeat(64), time, tid, buyer: A, seller: B };
}

/** The live hand-off's Lua script against a real Redis: exactly once per (coin, tid), replays and replicas alike. */
describe('LiveTradeHandoff (real Redis)', () => {
  let redis: Redis;
  let replica: Redis;

  beforeAll(async () => {
    const url = (await createTestRedis()).url;
    redis = new Redis(url);
    replica = new Redis(url);
  });

  afterAll(() => {
    redis?.disconnect();
    replica?.disconnect();
  });

  const streamed = async (): Promise<WsTrade[]> =>
    (await redis.xrange(TradesStream.key, '-', '+')).flatMap(([, fields]) => decodeTradesEntry<WsTrade>(fields));

  it('appends each (coin, tid) once across replicas, and reports trades too old to de-duplicate as a gap', async () => {
    const now = Date.now();
    const first = new LiveTradeHandoff(redis, false);
    const second = new LiveTradeHandoff(replica, false);
    // The same tid on another coin is another trade; a repeat inside one batch is not.
    expect(await first.send([trade('BTC', 1, now - 10), trade('ETH', 1, now - 10), trade('BTC', 1, now - 10)], now)).toBe(2);
    // The other replica delivers an overlapping batch a moment later.
    expect(await second.send([trade('BTC', 1, now - 10), trade('ETH', 1, now - 10), trade('BTC', 2, now - 5)], now)).toBe(1);
    const got = await streamed();
    expect(got.map((t) => `${t.coin}:${t.tid}`)).toEqual(['BTC:1', 'ETH:1', 'BTC:2']);
    expect(got[0]).toEqual(trade('BTC', 1, now - 10));

    // A replay older than the window is not handed on; its span becomes a stream gap.
    const old = now - SEEN_WINDOW_MS - 1000;
    expect(await first.send([trade('BTC', 0, old)], now)).toBe(0);
    expect((await streamed()).length).toBe(3);
    expect(JSON.parse((await redis.lindex(StreamGaps.key, 0))!)).toEqual({ from: old, to: old });
    // The seen-sets expire on their own.
    const keys = await redis.keys(`${SeenTrades.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(SEEN_WINDOW_MS);
  });
});
