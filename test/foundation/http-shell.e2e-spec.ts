import request from 'supertest';
import { TestApp, startTestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';

describe('HTTP shell (api role, in-process)', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('GET / names the service and links the docs', async () => {
    const res = await request(app.url).get('/').expect(200);
    expect(res.body).toMatchObject({ name: 'traderscout', version: 'test', docs: '/docs' });
  });

  it('errors are JSON {statusCode, error, message}', async () => {
    const res = await request(app.url).get('/no/such/route').expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('/no/such/route') });
  });

  it('bad JSON bodies are 400 in the same shape', async () => {
    const res = await request(app.url).post('/').set('content-type', 'application/json').send('{bad');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('/health/detailed reports each dependency with its last success', async () => {
    const res = await request(app.url).get('/health/detailed').expect(200);
    expect(res.body.checks.database).toMatchObject({ status: 'up', required: true });
    expect(res.body.checks.redis.last_success_at).toEqual(expect.any(String));
    expect(res.body.uptime_seconds).toEqual(expect.any(Number));
  });

  it('/metrics is Prometheus text', async () => {
    const res = await request(app.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('sets security headers and CORS', async () => {
    const res = await request(app.url).get('/health').set('Origin', 'http://example.test');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBe('http://example.test');
  });
});
