import { io } from 'socket.io-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { freePort, RunningProcess, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';

/** ioredis gave up on its first queued commands ~7 s after boot and the process died: hold the outage well past that. */
const OUTAGE_MS = 15_000;
const ADMIN_KEY = 'resilience-admin-key';

/**
 * The production entry booted while Redis is unreachable (a TCP proxy in front of the test Redis,
 * refusing connections) keeps running and answering: /health 200, /health/detailed 503 naming
 * redis, REST from Postgres, admin routes a fast 503 with Retry-After. Once Redis accepts again
 * every check recovers by itself, the admin routes work and Socket.IO clients connect. A worker
 * stopped during the outage exits 0 within the shutdown deadline (nothing waits for Redis).
 */
describe('booting without Redis', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let redisDb: string;
  const procs: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    const target = new URL(redis.url);
    redisDb = target.pathname.slice(1);
    proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    await proxy.cut(); // the port stays reserved for restore(); connections are refused meanwhile
  });

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await proxy?.close();
    await db?.drop();
  });

  const get = (port: number, path: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });

  it('api and all stay up and answer, report redis down, fail admin fast, then recover by themselves', async () => {
    const redisUrl = `redis://127.0.0.1:${proxy.port}/${redisDb}`;
    const ports = { api: await freePort(), all: await freePort(), worker: await freePort() };
    const common = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      DB_MIGRATE: 'false',
      ADMIN_API_KEY: ADMIN_KEY,
      // No exchange: the roles that call it keep retrying, which is not what this test is about.
      HYPERLIQUID_API_URL: 'http://127.0.0.1:1',
      WEBSOCKET_URL: 'ws://127.0.0.1:1/ws',
      EXCHANGE_LEADERBOARD_URL: '',
    };
    const api = spawnApp({ ...common, ROLE: 'api', PORT: String(ports.api) });
    const all = spawnApp({ ...common, ROLE: 'all', PORT: String(ports.all) });
    const worker = spawnApp({ ...common, ROLE: 'worker', PORT: String(ports.worker) });
    procs.push(api, all, worker);
    const alive = (p: RunningProcess) => p.child.exitCode === null && p.child.signalCode === null;

    await waitFor(() => get(ports.api, '/health').then((r) => r.ok), 30_000);
    await waitFor(() => get(ports.all, '/health').then((r) => r.ok), 30_000);
    await waitFor(() => get(ports.worker, '/health').then((r) => r.ok), 30_000);
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      for (const [name, p] of [['api', api], ['all', all]] as const) {
        if (!alive(p)) throw new Error(`${name} died during the Redis outage:\n${p.output().slice(-3000)}`);
      }
      for (const port of [ports.api, ports.all]) {
        expect((await get(port, '/health')).status).toBe(200);
        const detailed = await get(port, '/health/detailed');
        expect(detailed.status).toBe(503);
        expect(((await detailed.json()) as { checks: { redis: { status: string } } }).checks.redis.status).toBe('down');
        expect((await get(port, '/api/v1/traders')).status).toBe(200);
        expect((await get(port, '/api/v1/stats')).status).toBe(200);
        const started = Date.now();
        const admin = await get(port, '/api/v1/admin/leaderboard/recalculate', { method: 'POST', headers: { 'x-api-key': ADMIN_KEY } });
        expect(admin.status).toBe(503);
        expect(admin.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      await new Promise((r) => setTimeout(r, 1_000)); // pacing only: the loop spans the outage, each pass asserts
    }
    for (const p of [api, all]) expect(p.output()).not.toMatch(/MaxRetriesPerRequestError|Unhandled|fatal/);
    // A shutdown during the outage is as quick as ever (nothing waits for Redis): exit 0 within 10 s.
    expect(alive(worker)).toBe(true);
    const stopping = Date.now();
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);

    await proxy.restore();
    await waitFor(() => get(ports.api, '/health/detailed').then((r) => r.status === 200), 30_000);
    await waitFor(
      () =>
        get(ports.all, '/health/detailed')
          .then((r) => r.json())
          .then((b) => (b as { checks: { redis: { status: string } } }).checks.redis.status === 'up'),
      30_000,
    );
    for (const port of [ports.api, ports.all]) {
      const admin = await get(port, '/api/v1/admin/leaderboard/recalculate', { method: 'POST', headers: { 'x-api-key': ADMIN_KEY } });
      expect(admin.status).toBe(202);
    }
    // The gateway came up with the adapter's subscriber still connecting: it serves clients now.
    const socket = io(`http://127.0.0.1:${ports.api}/updates`, { transports: ['websocket'], reconnection: false });
    try {
      const hello = await new Promise<{ message: string }>((resolve, reject) => {
        socket.once('connection', resolve);
        socket.once('connect_error', reject);
      });
      expect(hello.message).toEqual(expect.any(String));
    } finally {
      socket.disconnect();
    }
    expect(alive(api) && alive(all)).toBe(true);

    api.child.kill('SIGTERM');
    all.child.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);
    expect((await all.exited).code).toBe(0);
  }, 180_000);
});
