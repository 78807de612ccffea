import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { TestEvents, TestTrader } from '../support/trade-events';

/**
 * Postgres cut (a TCP proxy between the api and Postgres that drops every connection and refuses
 * new ones): every REST route that needs the database answers 503 with Retry-After, never 500,
 * and without hanging; once Postgres accepts again everything answers 200 by itself.
 */
describe('REST while Postgres is cut', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  let data: TestEvents;
  let alice: TestTrader;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: viaProxy.toString(), REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    data = await TestEvents.open(db.url, redis.url);
    alice = await data.trader(`0xabc${'7'.repeat(37)}`, { accountValue: '1000' });
    await data.store(alice, { coin: 'BTC' });
  });

  afterAll(async () => {
    await app?.close();
    await data?.close();
    await proxy?.close();
    await db?.drop();
  });

  const routes = () => [
    '/api/v1/traders',
    '/traders',
    `/api/v1/traders/${alice.address}`,
    `/api/v1/traders/${alice.address}/positions`,
    `/api/v1/traders/${alice.address}/events`,
    `/traders/${alice.address}/events`,
    `/api/v1/traders/${alice.address}/history`,
    '/api/v1/events',
    '/health/traders',
  ];
  const get = (path: string) => fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(15_000) });

  it('answers 503 with Retry-After on every database route, then recovers', async () => {
    for (const path of routes()) expect([path, (await get(path)).status]).toEqual([path, 200]);

    await proxy.cut();
    for (const path of routes()) {
      const started = Date.now();
      const res = await get(path);
      const body = (await res.json()) as { statusCode: number; message: string };
      expect([path, res.status]).toEqual([path, 503]);
      expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(body.message).toMatch(/database/);
      expect(Date.now() - started).toBeLessThan(10_000); // the pool's connect timeout (5 s) at worst
    }
    // The stats reuse their database counts for 2 s: a 503 once those are older.
    await waitFor(() => get('/api/v1/stats').then((r) => r.status === 503 && r.headers.get('retry-after') !== null), 10_000);
    // The leaderboard may be served from a cache while Postgres is away; it is never a 500.
    for (const path of ['/api/v1/leaderboard', '/leaderboard']) expect([200, 503]).toContain((await get(path)).status);
    expect((await get('/health/detailed')).status).toBe(503);
    expect((await get('/health')).status).toBe(200);

    await proxy.restore();
    await waitFor(() => get('/health/detailed').then((r) => r.status === 200), 30_000);
    for (const path of [...routes(), '/api/v1/stats', '/api/v1/leaderboard']) {
      await waitFor(() => get(path).then((r) => r.status === 200), 15_000);
    }
  });
});
