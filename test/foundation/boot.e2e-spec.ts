import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { freePort, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/** The production entry (node dist/main.js) as ops run it: roles, config errors, migrations, SIGTERM. */
describe('booting node dist/main.js', () => {
  let redisUrl: string;
  const dbs: TestDatabase[] = [];

  beforeAll(async () => {
    redisUrl = (await createTestRedis()).url;
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  async function get(port: number, path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${port}${path}`);
  }

  it.each([
    [{ ROLE: 'bogus' }, 'ROLE'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ ROLE: 'api,nope' }, 'ROLE'],
    [{ BATCH_SIZE: '0' }, 'BATCH_SIZE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LEADERBOARD_WEIGHTS: '{"win_rate":"high"}' }, 'LEADERBOARD_WEIGHTS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('exits 1 naming the variable for %j', async (env, variable) => {
    const proc = spawnApp({ ...env, REDIS_URL: redisUrl });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain(variable);
    expect(proc.output()).toMatch(/must be/);
  });

  it('api serves /health, /docs and a valid OpenAPI 3 document; worker has no /docs; SIGTERM exits 0', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const api = spawnApp({ ROLE: 'api', PORT: String(apiPort), DATABASE_URL: db.url, REDIS_URL: redisUrl });
    const worker = spawnApp({ ROLE: 'worker', PORT: String(workerPort), DATABASE_URL: db.url, REDIS_URL: redisUrl });
    try {
      await waitFor(() => get(apiPort, '/health').then((r) => r.ok), 20000);
      await waitFor(() => get(workerPort, '/health').then((r) => r.ok), 20000);

      expect(await (await get(apiPort, '/health')).json()).toEqual({ status: 'ok' });
      expect((await get(apiPort, '/docs')).status).toBe(200);
      const doc = (await (await get(apiPort, '/docs-json')).json()) as { openapi: string; paths: object; info: object };
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info).toMatchObject({ title: 'traderscout' });
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/health', '/health/detailed', '/metrics']));

      const detailed = (await (await get(workerPort, '/health/detailed')).json()) as Record<string, any>;
      expect(detailed.role).toEqual(['worker']);
      expect(detailed.checks.database.status).toBe('up');
      expect(detailed.checks.redis.status).toBe('up');
      expect((await get(workerPort, '/health')).status).toBe(200);
      expect((await get(workerPort, '/metrics')).status).toBe(200);
      expect((await get(workerPort, '/docs')).status).toBe(404);
      expect((await get(workerPort, '/')).status).toBe(404);

      const started = Date.now();
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await api.exited).toEqual({ code: 0, signal: null });
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(10000);
    } finally {
      api.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
    }
  });

  it('two processes booting together against an empty database both come up and migrate once', async () => {
    const db = await createTestDatabase({ empty: true });
    dbs.push(db);
    const ports = [await freePort(), await freePort()];
    const procs = ports.map((port) =>
      spawnApp({ ROLE: 'api', PORT: String(port), DATABASE_URL: db.url, REDIS_URL: redisUrl, DB_MIGRATE: 'true' }),
    );
    try {
      for (const port of ports) await waitFor(() => get(port, '/health/detailed').then((r) => r.ok), 30000);
      const rows = await withClient(db.url, (c) =>
        c.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM migrations GROUP BY name'),
      );
      expect(rows.rows.length).toBeGreaterThan(0);
      for (const row of rows.rows) expect(Number(row.n)).toBe(1);
      const tables = await withClient(db.url, (c) =>
        c.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"),
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['traders', 'fills', 'trade_events', 'user_state_history', 'leaderboard_metrics']),
      );
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
    }
  });

  it('/health/detailed answers 503 when Redis is unreachable', async () => {
    const db = await createTestDatabase();
    dbs.push(db);
    const port = await freePort();
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const proc = spawnApp({ ROLE: 'worker', PORT: String(port), DATABASE_URL: db.url, REDIS_URL: deadRedis });
    try {
      await waitFor(() => get(port, '/health').then((r) => r.ok), 20000);
      const res = await get(port, '/health/detailed');
      expect(res.status).toBe(503);
      const body = (await res.json()) as Record<string, any>;
      expect(body.checks.redis.status).toBe('down');
      expect(body.checks.database.status).toBe('up');
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });
});
