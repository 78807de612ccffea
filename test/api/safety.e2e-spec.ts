import request from 'supertest';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';

const ALLOWED = 'http://dashboard.test';

/** Rate limiting per client IP (Redis-backed, shared by replicas), CORS, headers, body limits. */
describe('REST: safe to expose', () => {
  let db: TestDatabase;
  let app: TestApp;
  let replica: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    const env = {
      ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      THROTTLE_LIMIT_PER_MINUTE: '5',
      CORS_ORIGINS: `${ALLOWED},http://other.test`,
      ADMIN_API_KEY: 'k',
    };
    [app, replica] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), replica?.close()]);
    await db?.drop();
  });

  it('answers 429 with Retry-After past the per-IP limit, counted across replicas; probes are exempt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app.url).get('/api/v1/events')).status);
    statuses.push((await request(replica.url).get('/api/v1/traders')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const limited = await request(replica.url).get('/api/v1/events').expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    await request(app.url).get('/api/v1/stats').expect(429);

    for (let i = 0; i < 10; i++) {
      await request(app.url).get('/health').expect(200);
      await request(app.url).get('/health/detailed').expect(200);
      await request(app.url).get('/health/traders').expect(200);
      await request(app.url).get('/metrics').expect(200);
    }
    await request(app.url).get('/docs-json').expect(200);
  });

  it('allows configured CORS origins only', async () => {
    const ok = await request(app.url).get('/health').set('Origin', ALLOWED);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED);
    const other = await request(app.url).get('/health').set('Origin', 'http://evil.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets helmet\'s security headers', async () => {
    const res = await request(app.url).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toContain('max-age');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses request bodies over 64 KiB with 413', async () => {
    const res = await request(replica.url)
      .post('/api/v1/admin/cache/clear')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
  });

  it('refuses WebSocket upgrades from browser origins outside CORS_ORIGINS', async () => {
    const wsUrl = `${app.url.replace('http', 'ws')}/ws/v1/updates`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers: { Origin: 'http://evil.test' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(403);
    const accepted = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { headers: { Origin: ALLOWED } });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(accepted).toBe(101);

    const sioRefused = await new Promise<string>((resolve) => {
      const s = io(`${app.url}/updates`, { transports: ['websocket'], reconnection: false, extraHeaders: { Origin: 'http://evil.test' } });
      s.on('connect', () => (s.close(), resolve('connected')));
      s.on('connect_error', () => (s.close(), resolve('refused')));
    });
    expect(sioRefused).toBe('refused');
  });

  it('closes a plain WebSocket that sends an oversized message', async () => {
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/v1/updates`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'subscribe', data: { coins: ['x'.repeat(32 * 1024)] } }));
    expect(await closed).toBe(1009);
  });
});
