import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every route Express actually serves, as `METHOD /path/{param}`. */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.add(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return [...out].sort();
}

/** The OpenAPI document covers every registered route, with responses and error shapes. */
describe('Swagger /docs-json', () => {
  let db: TestDatabase;
  let app: TestApp;
  let doc: any;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    doc = (await request(app.url).get('/docs-json').expect(200)).body;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('documents every registered route', () => {
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    // Not endpoints: Swagger's own UI and JSON, and the catch-all `/{*path}` mount of the request
    // logger middleware (nestjs-pino's forRoutes('*')).
    const routes = registeredRoutes(app.app).filter((r) => !/ \/docs/.test(r) && !r.endsWith(' /{*path}'));
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('includes the contract\'s routes', () => {
    for (const route of [
      'GET /',
      'GET /health',
      'GET /health/detailed',
      'GET /health/traders',
      'GET /metrics',
      'GET /api/v1/traders',
      'GET /traders',
      'GET /api/v1/traders/{address}',
      'GET /api/v1/traders/{address}/positions',
      'GET /api/v1/traders/{address}/events',
      'GET /traders/{id}/events',
      'GET /api/v1/traders/{address}/history',
      'GET /api/v1/events',
      'GET /api/v1/stats',
      'POST /api/v1/admin/leaderboard/recalculate',
      'POST /api/v1/admin/traders/{address}/track',
      'POST /api/v1/admin/cache/clear',
      'GET /api/v1/cache/clear',
    ]) {
      const [method, path] = route.split(' ');
      expect(doc.paths[path]?.[method.toLowerCase()]).toBeDefined();
    }
  });

  it('documents query parameters, success schemas and error responses', () => {
    const list = doc.paths['/api/v1/traders'].get;
    expect(list.parameters.map((p: any) => p.name).sort()).toEqual(['limit', 'page', 'search']);
    expect(list.responses['200'].content['application/json'].schema.$ref).toContain('TraderListDto');
    expect(list.responses['400'].content['application/json'].schema.$ref).toContain('ErrorResponseDto');
    expect(list.responses['429'].headers['Retry-After']).toBeDefined();

    const track = doc.paths['/api/v1/admin/traders/{address}/track'].post;
    expect(Object.keys(track.responses).sort()).toEqual(['202', '400', '401', '403', '404', '413', '429', '503']);
    expect(track.security).toEqual([{ admin: [] }]);
    expect(doc.components.schemas.TradeEventDto.properties.details.$ref ?? doc.components.schemas.TradeEventDto.properties.details.allOf).toBeDefined();
    expect(doc.components.schemas.TraderSummaryDto.properties.account_value.description).toContain('Decimal string');
  });
});
