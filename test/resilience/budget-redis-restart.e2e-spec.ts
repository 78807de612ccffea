import Redis from 'ioredis';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';

const WINDOW_S = 10;
const LIMIT = 100; // weight per window at the simulator and in the app (the 600/min budget scaled to 10 s)
const TRADERS = 2000;

/**
 * The weight window lives in Redis. A Redis restarted without persistence (the connections drop,
 * every key is gone) while tracking keeps the exchange's window full must not let the app spend
 * a fresh window on top of what the exchange still counts: not one 429 at the simulator, and
 * tracking goes on spending the budget afterwards.
 */
describe('rate budget: Redis restarted empty mid-run', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let redisUrl: string;
  let worker: TestApp;
  const opened: Redis[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 50, coins: ['BTC'], weightPerMinute: LIMIT, weightWindowMs: WINDOW_S * 1000 });
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
    const target = new URL(redisUrl);
    proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const addresses = Array.from({ length: TRADERS }, randomAddress);
    await withClient(db.url, (c) =>
      c.query('INSERT INTO traders (address, first_seen_at, role_checked_at, role) SELECT a, now(), now(), $2 FROM unnest($1::varchar[]) a', [
        addresses,
        'user',
      ]),
    );
    worker = await startTestApp({
      ROLE: 'worker',
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${proxy.port}${target.pathname}`,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_S),
      TRACKING_INTERVAL_SECONDS: '600',
      EXCHANGE_LEADERBOARD_URL: '',
    });
  });

  afterAll(async () => {
    for (const r of opened) r.disconnect();
    await worker?.close();
    await proxy?.close();
    await sim?.close();
    await db?.drop();
  });

  it('gets no 429 after the restart and keeps spending the budget', async () => {
    // Tracking keeps the exchange's window full, past the first window (steady state).
    await waitFor(
      async () => {
        const w = sim.control.stats().weight;
        return w.totalConsumed >= 2 * LIMIT && w.currentWindow >= 0.9 * LIMIT;
      },
      WINDOW_S * 5000,
      200,
    );
    expect(sim.control.stats().weight.rejected429).toBe(0);

    // The restart: connections drop, the data is gone, Redis accepts again.
    await proxy.cut();
    const direct = new Redis(redisUrl);
    opened.push(direct);
    await direct.flushdb();
    expect(await direct.dbsize()).toBe(0);
    await proxy.restore();
    const consumedAtRestart = sim.control.stats().weight.totalConsumed;

    // Two and a half windows after it: whatever the exchange still counted has left its window.
    const until = Date.now() + WINDOW_S * 2500;
    while (Date.now() < until) {
      expect(sim.control.stats().weight.rejected429).toBe(0);
      await new Promise((r) => setTimeout(r, 200)); // sampling pace; each sample asserts
    }
    const stats = sim.control.stats().weight;
    expect(stats.rejected429).toBe(0);
    expect(stats.maxWindow).toBeLessThanOrEqual(LIMIT);
    // Tracking recovered: it spent at least a window's worth since the restart and fills the window again.
    expect(stats.totalConsumed - consumedAtRestart).toBeGreaterThanOrEqual(LIMIT);
    await waitFor(async () => sim.control.stats().weight.currentWindow >= 0.8 * LIMIT, WINDOW_S * 2000, 200);
    // The budget is back in Redis, with its epoch (state known again).
    expect((await direct.keys('*budget*epoch*')).length).toBe(1);
  });
});
