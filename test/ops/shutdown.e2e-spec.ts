import { hostname } from 'os';
import { io } from 'socket.io-client';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator/types';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { freePort, RunningProcess, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

const DEADLINE_MS = 10_000;

/** SIGTERM while busy: every role exits 0 within 10 s, having released or finished its work. */
describe('graceful shutdown (node dist/main.js, SIGTERM while busy)', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let redisUrl: string;

  beforeEach(async () => {
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
  });

  afterEach(async () => {
    await sim?.close();
    await db?.drop();
  });

  async function boot(role: string, extra: Record<string, string> = {}): Promise<{ app: RunningProcess; url: string }> {
    const port = await freePort();
    const app = spawnApp({
      ROLE: role,
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'info',
      ...extra,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.ok, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${app.output()}`);
    });
    return { app, url };
  }

  async function terminate(app: RunningProcess): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    app.child.kill('SIGTERM');
    const { code } = await app.exited;
    return { code, ms: Date.now() - started };
  }

  it('discovery: stores every trade it received, flushing the buffer on the way out', async () => {
    sim = await startSimulator({ port: 0, tradeRate: 0, replayCount: 0, traders: 100 });
    const { app } = await boot('discovery');
    const coins = (await (await fetch(sim.infoUrl, { method: 'POST', body: JSON.stringify({ type: 'meta' }) })).json()) as { universe: unknown[] };
    await waitFor(async () => sim.control.stats().ws.subscriptions >= coins.universe.length, 20_000);
    sim.control.generate(20_000);
    await waitFor(async () => sim.control.stats().ws.tradesSent >= 20_000, 20_000, 10);
    const { code, ms } = await terminate(app);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(DEADLINE_MS);
    expect(app.output()).not.toContain('shutting down with unsaved trades');
    const stored = await withClient(db.url, async (c) => Number((await c.query('SELECT count(*) AS n FROM fills')).rows[0].n));
    expect(stored).toBe(sim.control.stats().ws.tradesSent);
  }, 90_000);

  it('worker: releases the tracking claims of in-flight snapshots', async () => {
    sim = await startSimulator({ port: 0, tradeRate: 50, traders: 200 });
    // Traders to track, then every snapshot held up for 3 s: claims are in flight at SIGTERM.
    const discovery = await boot('discovery');
    await waitFor(
      async () => withClient(db.url, async (c) => Number((await c.query('SELECT count(*) AS n FROM traders')).rows[0].n) >= 100),
      30_000,
      250,
    );
    expect((await terminate(discovery.app)).code).toBe(0);
    sim.control.slowInfo({ delayMs: 3000, forMs: 120_000 });
    const { app } = await boot('worker', { TRACKING_CONCURRENCY: '8' });
    const mine = `${hostname()}:${app.child.pid}:%`;
    const claimed = (c: Parameters<Parameters<typeof withClient>[1]>[0]) =>
      c
        .query('SELECT count(*) AS n FROM traders WHERE claimed_by LIKE $1 AND claimed_until > now()', [mine])
        .then((r) => Number(r.rows[0].n));
    await waitFor(async () => (await withClient(db.url, claimed)) > 0, 30_000, 100);
    const { code, ms } = await terminate(app);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(DEADLINE_MS);
    expect(await withClient(db.url, claimed)).toBe(0);
  }, 120_000);

  it('api: closes its sockets and exits with clients connected', async () => {
    sim = await startSimulator({ port: 0 });
    const { app, url } = await boot('api');
    const socket = io(`${url}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connection', () => resolve());
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const { code, ms } = await terminate(app);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(DEADLINE_MS);
    await disconnected;
    socket.close();
  }, 60_000);
});
