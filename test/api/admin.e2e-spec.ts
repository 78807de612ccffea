import Redis from 'ioredis';
import request from 'supertest';
import { LeaderboardRecalculate } from '../../src/redis/contracts/leaderboard-recalculate';
import { TrackingSignals } from '../../src/redis/contracts/tracking-signals';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';
import { TestEvents } from '../support/trade-events';

const KEY = 'test-admin-key-0123456789';
const ROUTES: Array<['get' | 'post', string]> = [
  ['post', '/api/v1/admin/leaderboard/recalculate'],
  ['post', `/api/v1/admin/traders/0x${'1'.repeat(40)}/track`],
  ['post', '/api/v1/admin/cache/clear'],
  ['get', '/api/v1/cache/clear'],
];

/** Admin routes behind ADMIN_API_KEY: they queue work in Redis, never call the exchange. */
describe('REST: admin routes', () => {
  let db: TestDatabase;
  let app: TestApp;
  let keyless: TestApp;
  let data: TestEvents;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    const testRedis = await createTestRedis();
    const env = { ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: testRedis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' };
    [app, keyless] = await Promise.all([startTestApp({ ...env, ADMIN_API_KEY: KEY }), startTestApp(env)]);
    data = await TestEvents.open(db.url, testRedis.url);
    redis = new Redis(testRedis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await data?.close();
    await Promise.all([app?.close(), keyless?.close()]);
    await db?.drop();
  });

  it.each(ROUTES)('%s %s: 401 without x-api-key, 403 with a wrong one, 503 when no key is configured', async (method, path) => {
    const none = await request(app.url)[method](path).expect(401);
    expect(none.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'x-api-key header required' });
    const wrong = await request(app.url)[method](path).set('x-api-key', `${KEY}x`).expect(403);
    expect(wrong.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'invalid x-api-key' });
    await request(app.url)[method](path).set('x-api-key', '').expect(401);
    const unconfigured = await request(keyless.url)[method](path).set('x-api-key', KEY).expect(503);
    expect(unconfigured.body.message).toContain('ADMIN_API_KEY');
  });

  it('POST …/traders/{address}/track queues a budgeted refresh (the tracking ZSET) and says where to watch', async () => {
    const trader = await data.trader();
    const before = Date.now();
    const res = await request(app.url)
      .post(`/api/v1/admin/traders/${trader.address.toUpperCase().replace('0X', '0x')}/track`)
      .set('x-api-key', KEY)
      .expect(202);
    expect(res.body).toEqual({
      queued: true,
      already_queued: false,
      address: trader.address,
      watch: {
        socket_io: '/updates',
        room: `trader:${trader.address}`,
        websocket: '/ws/v1/updates',
        events: `/api/v1/traders/${trader.address}/events`,
      },
    });
    const score = Number(await redis.zscore(TrackingSignals.traded, trader.address));
    expect(score).toBeGreaterThanOrEqual(before);
    expect(score).toBeLessThanOrEqual(Date.now());

    const again = await request(app.url).post(`/api/v1/admin/traders/${trader.address}/track`).set('x-api-key', KEY).expect(202);
    expect(again.body.already_queued).toBe(true);
    expect(Number(await redis.zscore(TrackingSignals.traded, trader.address))).toBe(score); // keeps its place

    await request(app.url).post(`/api/v1/admin/traders/0x${'7'.repeat(40)}/track`).set('x-api-key', KEY).expect(404);
    const bad = await request(app.url).post('/api/v1/admin/traders/0x12/track').set('x-api-key', KEY).expect(400);
    expect(bad.body.message).toContain('address');
  });

  it('POST …/leaderboard/recalculate sets the request key the leaderboard worker polls', async () => {
    const res = await request(app.url).post('/api/v1/admin/leaderboard/recalculate').set('x-api-key', KEY).expect(202);
    expect(res.body).toEqual({ queued: true, requested_at: expect.any(String), watch: 'leaderboard_updated' });
    expect(Number(await redis.get(LeaderboardRecalculate.key))).toBe(Date.parse(res.body.requested_at));
  });

  it('POST …/cache/clear and the legacy GET /api/v1/cache/clear remove the leaderboard cache only', async () => {
    const seed = async () => {
      for (let i = 0; i < 1200; i += 100) {
        const m = redis.multi();
        for (let j = i; j < i + 100; j++) m.set(`ts:cache:leaderboard:v1:page:${j}`, 'x');
        await m.exec();
      }
      await redis.set('ts:cache::leaderboard:v1:all', 'x'); // as the Nest cache (Keyv) names keys
      await redis.set('ts:cache::other', 'kept');
      await redis.set(LeaderboardRecalculate.key, '1');
    };
    await seed();
    const res = await request(app.url).post('/api/v1/admin/cache/clear').set('x-api-key', KEY).expect(200);
    expect(res.body).toEqual({ cleared: 1201 });
    expect(await redis.keys('ts:cache*leaderboard*')).toEqual([]);
    expect(await redis.get('ts:cache::other')).toBe('kept');
    expect(await redis.get(LeaderboardRecalculate.key)).toBe('1');

    await seed();
    const legacy = await request(app.url).get('/api/v1/cache/clear').set('x-api-key', KEY).expect(200);
    expect(legacy.body).toEqual({ cleared: 1201 });
  });
});
