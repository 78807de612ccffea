import Redis from 'ioredis';
import { BatchedThrottlerStorage } from '../../src/throttle/batched-throttler.storage';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';

const TTL = 60_000;

/** The REST limiter's batched counts on a real Redis: two "replicas" (storages on their own connections). */
describe('BatchedThrottlerStorage', () => {
  let url: string;
  const clients: Redis[] = [];
  /** A connection once ready (the storage decides alone, never queueing, while its client is not). */
  const connect = async (u = url) => {
    const c = new Redis(u, { maxRetriesPerRequest: 1 });
    clients.push(c);
    await c.ping();
    return c;
  };

  beforeAll(async () => {
    url = (await createTestRedis()).url;
  });

  afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  /** `n` concurrent bursts of `per` hits on `storage`, the number admitted. */
  const burst = async (storage: BatchedThrottlerStorage, key: string, limit: number, n: number, per: number) => {
    let admitted = 0;
    await Promise.all(
      Array.from({ length: n }, async () => {
        for (let i = 0; i < per; i++) {
          const r = storage.incrementNow(key, TTL, limit, TTL, 'default') ?? (await storage.increment(key, TTL, limit, TTL, 'default'));
          if (!r.isBlocked) admitted++;
          if (i % 20 === 0) await new Promise((res) => setImmediate(res));
        }
      }),
    );
    return admitted;
  };

  it('loses no hit across two replicas and admits exactly the limit between them', async () => {
    const key = `t:${Date.now()}:a`;
    const a = new BatchedThrottlerStorage(await connect());
    const b = new BatchedThrottlerStorage(await connect());
    const limit = 1000;
    const [x, y] = await Promise.all([burst(a, key, limit, 20, 40), burst(b, key, limit, 20, 40)]); // 1,600 hits
    // Every hit reached Redis (one count over both), the block is shared, and no more than the limit got through.
    const redis = await connect();
    await new Promise((r) => setTimeout(r, 200));
    expect(Number(await redis.get(`{${key}:default}:hits`))).toBe(1600);
    expect(await redis.get(`{${key}:default}:blocked`)).toBe('1');
    expect(x + y).toBe(limit);
    // Both replicas now answer blocked without asking Redis.
    expect(a.incrementNow(key, TTL, limit, TTL, 'default')).toMatchObject({ isBlocked: true });
    expect(b.incrementNow(key, TTL, limit, TTL, 'default')).toMatchObject({ isBlocked: true });
  });

  it('decides alone far from the limit once it knows a client, and waits for Redis when new or near it', async () => {
    const key = `t:${Date.now()}:b`;
    const a = new BatchedThrottlerStorage(await connect());
    expect(a.incrementNow(key, TTL, 100, TTL, 'default')).toBeNull(); // new: ask Redis
    expect((await a.increment(key, TTL, 100, TTL, 'default')).totalHits).toBe(1);
    expect(a.incrementNow(key, TTL, 100, TTL, 'default')).toMatchObject({ totalHits: 2, isBlocked: false });
    // Another replica spends most of the budget: near the limit, each hit asks Redis again.
    const b = new BatchedThrottlerStorage(await connect());
    for (let i = 0; i < 88; i++) await b.increment(key, TTL, 100, TTL, 'default');
    await new Promise((r) => setTimeout(r, 100));
    // Far from the limit as far as it knows, `a` decides alone (its count lags by the batch)...
    expect((await a.increment(key, TTL, 100, TTL, 'default')).totalHits).toBe(3);
    await new Promise((r) => setTimeout(r, 100));
    // ...and that hit's batch brought back b's: past half the limit, it waits for Redis now.
    expect(a.incrementNow(key, TTL, 100, TTL, 'default')).toBeNull();
    expect((await a.increment(key, TTL, 100, TTL, 'default')).totalHits).toBe(92);
  });

  it('keeps limiting on its own counts while Redis is unreachable', async () => {
    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    const port = await proxy.start();
    const via = new URL(url);
    via.port = String(port);
    const storage = new BatchedThrottlerStorage(await connect(via.toString()));
    const key = `t:${Date.now()}:c`;
    expect((await storage.increment(key, TTL, 5, TTL, 'default')).totalHits).toBe(1);
    await proxy.cut();
    try {
      const started = Date.now();
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await storage.increment(key, TTL, 5, TTL, 'default'));
      expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, false, true, true]);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await proxy.close();
    }
  });
});
