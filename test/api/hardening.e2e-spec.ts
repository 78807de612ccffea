import { Logger } from '@nestjs/common';
import request from 'supertest';
import { launchChromium } from '../dashboard/browser';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';
import { TestEvents, TestTrader } from '../support/trade-events';

const LIMIT = 8;
let nextIp = 1;
/** A client IP of its own for each request, so the per-IP limit spent by the throttle test does not interfere. */
const freshIp = (): string => `10.16.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

/**
 * The small holes of issue 16: bodies that lie about their Content-Encoding, query parameters a
 * route does not declare (including prototype names), impossible dates, Express's banner, and
 * the Swagger UI page's CSP.
 */
describe('REST: hardening', () => {
  let db: TestDatabase;
  let app: TestApp;
  let data: TestEvents;
  let alice: TestTrader;
  let errorLogs: jest.SpyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    // Every error log of the app (the filter logs unknown errors, with their stack, at error level).
    errorLogs = jest.spyOn(Logger.prototype, 'error');
    app = await startTestApp({
      ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      THROTTLE_LIMIT_PER_MINUTE: String(LIMIT),
      CORS_ORIGINS: 'http://dashboard.test',
      ADMIN_API_KEY: 'k',
      TRUST_PROXY_HOPS: '1', // each test's requests come from their own client IPs (X-Forwarded-For)
    });
    data = await TestEvents.open(db.url, redis.url);
    alice = await data.trader();
  });

  afterAll(async () => {
    errorLogs?.mockRestore();
    await app?.close();
    await data?.close();
    await db?.drop();
  });

  it('rejects a body that is not what its Content-Encoding says (400, 415 unknown), without a stack, counted by the throttle', async () => {
    const send = (encoding: string) =>
      request(app.url)
        .get('/api/v1/events')
        .set('X-Forwarded-For', '10.99.0.1')
        .set('Content-Encoding', encoding)
        .set('Content-Type', 'application/json')
        .send('{"plain":"json"}');
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await send(encoding);
      expect([encoding, res.status]).toEqual([encoding, 400]);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/Content-Encoding/) });
    }
    const unknown = await send('x-rot13');
    expect(unknown.status).toBe(415);
    expect(unknown.body.message).toMatch(/x-rot13/);
    // Admin routes too (the body is judged before anything else).
    const admin = await request(app.url)
      .post('/api/v1/admin/leaderboard/recalculate')
      .set('X-Forwarded-For', '10.99.0.1')
      .set('Content-Encoding', 'gzip')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(admin.status).toBe(400);
    // Those 5 rejected bodies count against the client's limit like any request: 3 more, and the
    // client is limited on every route.
    for (let i = 5; i < LIMIT; i++) expect((await send('gzip')).status).toBe(400);
    const limited = await request(app.url).get('/api/v1/traders').set('X-Forwarded-For', '10.99.0.1');
    expect(limited.status).toBe(429);
    await request(app.url).get('/api/v1/traders').set('X-Forwarded-For', '10.99.0.2').expect(200);
    expect(errorLogs).not.toHaveBeenCalled();
  });

  it('answers 400 naming any query parameter a route does not declare, on every route', async () => {
    const get = (path: string) => request(app.url).get(path).set('X-Forwarded-For', freshIp());
    {
      const routes = [
        '/',
        '/health',
        '/health/detailed',
        '/health/traders',
        '/metrics',
        '/api/v1/stats',
        '/api/v1/traders',
        `/api/v1/traders/${alice.address}`,
        `/api/v1/traders/${alice.address}/events`,
        `/api/v1/traders/${alice.address}/history`,
        '/api/v1/events',
        '/api/v1/leaderboard',
        '/dashboard',
      ];
      for (const route of routes) {
        for (const name of ['bogus', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '__proto__[x]', 'constructor[prototype]']) {
          const res = await get(`${route}?${encodeURIComponent(name).replace('%5B', '[').replace('%5D', ']')}=1`);
          expect([route, name, res.status]).toEqual([route, name, 400]);
          const { message } = JSON.parse(res.text) as { message: string };
          expect([route, message]).toEqual([route, expect.stringContaining(name.replace(/\[.*$/, ''))]);
        }
      }
      // Declared parameters still work.
      await get('/api/v1/traders?limit=5&page=1').expect(200);
      await get(`/api/v1/traders/${alice.address}/events?limit=5`).expect(200);
      await get('/api/v1/leaderboard?window=7d&limit=10').expect(200);
      // Admin routes: authentication first, then the parameters.
      const admin = (key?: string) => {
        const r = request(app.url).post('/api/v1/admin/cache/clear?x=1').set('X-Forwarded-For', freshIp());
        return key ? r.set('x-api-key', key) : r;
      };
      await admin().expect(401);
      expect((await admin('k').expect(400)).body.message).toBe('unknown query parameter: x');
    }
  });

  it('validates real calendar dates: from=2026-02-30 is a 400, not March 2', async () => {
    {
      const history = (q: string) =>
        request(app.url).get(`/api/v1/traders/${alice.address}/history?${q}`).set('X-Forwarded-For', freshIp());
      for (const q of ['from=2026-02-30', 'to=2026-04-31T00:00:00Z', 'from=2026-01-01T24:00:00Z', 'from=2026-13-01', 'to=2026-02-29']) {
        const res = await history(q);
        expect([q, res.status]).toEqual([q, 400]);
        expect(res.body.message).toMatch(/^(from|to) must be an ISO-8601 date-time/);
      }
      const ok = await history('from=2024-02-29&to=2026-02-28T23:59:59Z').expect(200);
      expect(ok.body.from).toBe('2024-02-29T00:00:00.000Z');
    }
  });

  it('sends no X-Powered-By, not even on a CORS preflight', async () => {
    const preflight = await request(app.url)
      .options('/api/v1/traders')
      .set('Origin', 'http://dashboard.test')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['x-powered-by']).toBeUndefined();
    for (const path of ['/health', '/docs', '/nope']) expect((await request(app.url).get(path)).headers['x-powered-by']).toBeUndefined();
  });

  it('serves /docs with a CSP under which Swagger UI still renders every route', async () => {
    const page = await request(app.url).get('/docs').expect(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    const chromium = await launchChromium();
    try {
      const tab = await chromium.browser.newPage();
      const violations: string[] = [];
      tab.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await tab.goto(`${app.url}/docs`);
      await tab.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      const paths = await tab.$$eval('.opblock-summary-path', (els) => els.map((e) => e.getAttribute('data-path')));
      expect(paths).toEqual(expect.arrayContaining(['/api/v1/leaderboard', '/api/v1/traders/{address}', '/health/detailed']));
      expect(violations).toEqual([]);
    } finally {
      await chromium.close();
    }
  });
});
