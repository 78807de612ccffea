import Redis from 'ioredis';
import request from 'supertest';
import { TrackingSignals } from '../../src/redis/contracts/tracking-signals';
import { TradesStream } from '../../src/redis/contracts/trades-stream';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TestEvents } from '../support/trade-events';

/** GET /api/v1/stats (the contract's shape plus budget and discovery status) and GET /health/traders. */
describe('REST: stats and data freshness', () => {
  let db: TestDatabase;
  let app: TestApp;
  let data: TestEvents;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    const testRedis = await createTestRedis();
    app = await startTestApp({
      ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: testRedis.url,
      THROTTLE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_WEIGHT_PER_MINUTE: '1500',
      LEADERBOARD_INTERVAL_SECONDS: '600',
    });
    data = await TestEvents.open(db.url, testRedis.url);
    redis = new Redis(testRedis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await data?.close();
    await app?.close();
    await db?.drop();
  });

  it('answers the contract\'s shape, with exact counts', async () => {
    const empty = await request(app.url).get('/api/v1/stats').expect(200);
    expect(empty.body.database).toMatchObject({ total_traders: 0, active_traders: 0, total_trade_events: 0 });

    const a = await data.trader();
    await data.trader();
    const c = await data.trader();
    await data.pg.query('UPDATE traders SET is_active = false WHERE id = $1', [c.id]);
    await data.store(a);
    await data.store(a);
    await redis.zadd(TrackingSignals.traded, Date.now(), a.address);
    await redis.xadd(TradesStream.key, '*', 't', '[]');

    const body = await waitFor(async () => {
      const res = await request(app.url).get('/api/v1/stats').expect(200);
      return res.body.database.total_traders === 3 ? res.body : null;
    }, 5000);
    expect(body).toEqual({
      database: { total_traders: 3, active_traders: 2, total_trade_events: 2, counts_exact: true },
      websocket: { active_connections: 0, api_instances: 1, this_process: { socket_io: 0, websocket: 0 } },
      cache: { redis_connected: true },
      rate_limit: { weight_per_minute: 1500, used_last_minute: 0, paused_until: null, consecutive_429: 0 },
      tracking: { pending_signals: 1 },
      discovery: { last_trades_at: expect.any(String), trades_stream_length: 1 },
      timestamp: expect.any(String),
    });
    expect(Date.now() - Date.parse(body.discovery.last_trades_at)).toBeLessThan(60_000);
  });

  it('GET /health/traders reports the age of the newest trade, the oldest snapshot and the leaderboard', async () => {
    const none = await request(app.url).get('/health/traders').expect(200);
    expect(none.body.newest_trade).toMatchObject({ at: null, status: 'none' });

    await data.pg.query(
      `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
       VALUES ('BTC', 1, $1, $1, 1, 1, 'B', now() - interval '10 seconds', '0x00')`,
      [`0x${'1'.repeat(40)}`],
    );
    await data.pg.query(`UPDATE traders SET last_tracked_at = now() - interval '2 hours' WHERE is_active`);
    const t = await data.trader(); // active, never tracked
    await data.pg.query(
      `INSERT INTO leaderboard_generations (started_at, computed_at) VALUES (now() - interval '2 hours', now() - interval '1 hour')`,
    );
    const res = await request(app.url).get('/health/traders').expect(200);
    expect(t.address).toBeTruthy();
    expect(res.body).toMatchObject({
      status: 'stale',
      newest_trade: { status: 'fresh', stale_after_seconds: 300 },
      oldest_tracked_snapshot: { status: 'fresh', never_tracked: 1 },
      leaderboard: { status: 'stale', stale_after_seconds: 1260 },
      timestamp: expect.any(String),
    });
    expect(res.body.newest_trade.age_seconds).toBeGreaterThanOrEqual(9);
    expect(res.body.newest_trade.age_seconds).toBeLessThan(60);
    expect(Math.round(res.body.oldest_tracked_snapshot.age_seconds / 60)).toBe(120);
    expect(Math.round(res.body.leaderboard.age_seconds / 60)).toBe(60);
  });
});
