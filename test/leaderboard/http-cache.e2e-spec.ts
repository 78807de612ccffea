import { INestApplicationContext } from '@nestjs/common';
import { request as httpRequest, IncomingHttpHeaders } from 'http';
import Redis from 'ioredis';
import { Client } from 'pg';
import { brotliDecompressSync, gunzipSync } from 'zlib';
import { LeaderboardFastPath } from '../../src/leaderboard/leaderboard-fast-path';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { seedBoard } from './fixtures';
import { latestGeneration, recompute, startLeaderboardWorker } from './support';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const LIMIT = 40;
const INTERVAL = 3600;
let ip = 0;
/** A client address of its own (TRUST_PROXY_HOPS=1: the limit counts per X-Forwarded-For). */
const client = () => `203.0.113.${++ip}`;

/**
 * The leaderboard's HTTP caching: held pages answered ahead of Express exactly as Nest answers
 * them, ETag / 304, Cache-Control, br / gzip, the per-IP limit on the fast path, and pages held
 * through a PostgreSQL outage (the api reaches PostgreSQL through a TCP proxy the test cuts).
 */
describe('leaderboard HTTP caching', () => {
  let db: TestDatabase;
  let pg: Client;
  let redis: Redis;
  let pgProxy: TcpProxy;
  let api: TestApp;
  let worker: INestApplicationContext;

  const raw = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(`${api.url}${path}`, { method, headers: { 'x-forwarded-for': client(), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    const r = await createTestRedis();
    redis = new Redis(r.url);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const dbUrl = new URL(db.url);
    pgProxy = new TcpProxy(dbUrl.hostname, Number(dbUrl.port || 5432));
    dbUrl.port = String(await pgProxy.start());
    await seedBoard(pg, 30);
    worker = await startLeaderboardWorker({ DATABASE_URL: db.url, REDIS_URL: r.url, LEADERBOARD_INTERVAL_SECONDS: String(INTERVAL) });
    await waitFor(() => latestGeneration(pg));
    api = await startTestApp({
      ROLE: 'api',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: r.url,
      THROTTLE_LIMIT_PER_MINUTE: String(LIMIT),
      TRUST_PROXY_HOPS: '1',
      CORS_ORIGINS: 'http://dashboard.test',
      LEADERBOARD_INTERVAL_SECONDS: String(INTERVAL),
      ADMIN_API_KEY: 'k',
    });
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await pgProxy?.close();
    redis?.disconnect();
    await pg?.end();
    await db?.drop();
  });

  it('answers a held page ahead of Nest with the bytes and headers Nest gives it', async () => {
    const fast = jest.spyOn(api.app.get(LeaderboardFastPath), 'handle');
    const origin = { origin: 'http://dashboard.test' };
    const built = await raw('/api/v1/leaderboard?limit=7', origin); // a miss: Nest builds the page
    expect(fast).toHaveLastReturnedWith(false);
    const held = await raw('/api/v1/leaderboard?limit=7', origin);
    expect(fast).toHaveLastReturnedWith(true);
    // `order=DESC` is the same page, read by the DTO (the fast path's strict parser leaves it to Nest).
    const viaNest = await raw('/api/v1/leaderboard?limit=7&order=DESC', origin);
    expect(fast).toHaveLastReturnedWith(false);
    fast.mockRestore();
    for (const res of [built, held, viaNest]) {
      expect(res.status).toBe(200);
      expect(res.body.equals(held.body)).toBe(true);
      expect(JSON.parse(res.body.toString()).items).toHaveLength(7);
    }
    const same = [
      'content-type',
      'content-length',
      'etag',
      'cache-control',
      'vary',
      'access-control-allow-origin',
      'x-content-type-options',
      'x-frame-options',
      'strict-transport-security',
      'cross-origin-resource-policy',
      'x-ratelimit-limit',
      'x-powered-by',
    ];
    // max-age counts whole seconds down to the next generation: requests a few ms apart may straddle a second.
    const header = (res: typeof held, h: string) =>
      h === 'cache-control' ? String(res.headers[h]).replace(/max-age=\d+/, 'max-age=N') : res.headers[h];
    for (const h of same) {
      expect([h, header(held, h)]).toEqual([h, header(viaNest, h)]);
      expect([h, header(held, h)]).toEqual([h, header(built, h)]);
    }
    const ages = [built, held, viaNest].map((res) => Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))![1]));
    expect(Math.max(...ages) - Math.min(...ages)).toBeLessThanOrEqual(1);
    expect(held.headers['access-control-allow-origin']).toBe('http://dashboard.test');
    expect(held.headers['x-powered-by']).toBeUndefined();
    expect(held.headers.vary).toContain('Accept-Encoding');
    expect(Number(held.headers['x-ratelimit-remaining'])).toBe(LIMIT - 1);
    const legacy = await raw('/leaderboard?limit=7');
    expect(legacy.body.equals(held.body)).toBe(true);
  });

  it('revalidates with the ETag (304) and lets caches keep a page until the next generation is due', async () => {
    await raw('/api/v1/leaderboard?window=7d');
    const page = await raw('/api/v1/leaderboard?window=7d');
    const etag = page.headers.etag!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`]) {
      const res = await raw('/api/v1/leaderboard?window=7d', { 'if-none-match': inm });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
    }
    expect((await raw('/api/v1/leaderboard?window=7d', { 'if-none-match': '"other"' })).status).toBe(200);
    const viaNest = await raw('/api/v1/leaderboard?window=7d&order=DESC', { 'if-none-match': etag });
    expect(viaNest.status).toBe(304);

    const computedAt = Date.parse(JSON.parse(page.body.toString()).computed_at);
    const maxAge = Number(/^public, max-age=(\d+), must-revalidate$/.exec(page.headers['cache-control']!)?.[1]);
    const due = (computedAt + INTERVAL * 1000 - Date.now()) / 1000;
    expect(maxAge).toBeGreaterThan(due - 30);
    expect(maxAge).toBeLessThanOrEqual(Math.ceil(due) + 1);
  });

  it('compresses as the client accepts (br, gzip), each variant with its own ETag', async () => {
    const q = '/api/v1/leaderboard?limit=30&sort_by=roi&min_trades=0';
    const plain = await raw(q);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      // The first of each is the one that compresses it; the second is answered from the held variant.
      const br = await raw(q, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
      const gz = await raw(q, { 'accept-encoding': 'gzip;q=1, br;q=0' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
      expect((await raw(q, { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag! })).status).toBe(304);
    }
    const head = await raw(q, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(plain.body.length);
  });

  it('holds the per-IP limit on held pages: 429 with Retry-After past it', async () => {
    const me = client();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await raw('/api/v1/leaderboard?limit=7', { 'x-forwarded-for': me })).status);
    expect(statuses.slice(0, LIMIT)).toEqual(new Array(LIMIT).fill(200));
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    const limited = await raw('/api/v1/leaderboard?limit=7', { 'x-forwarded-for': me });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body.toString())).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await raw('/api/v1/leaderboard?limit=7')).status).toBe(200); // another client
  });

  it('drops the held pages on an admin cache clear', async () => {
    const fast = jest.spyOn(api.app.get(LeaderboardFastPath), 'handle');
    try {
      const q = '/api/v1/leaderboard?window=1d&limit=3';
      await raw(q);
      await raw(q);
      expect(fast).toHaveLastReturnedWith(true);
      const cleared = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${api.url}/api/v1/admin/cache/clear`, { method: 'POST', headers: { 'x-api-key': 'k' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end();
      });
      expect(cleared).toBe(200);
      // The clear reaches this process over Redis pub/sub: the page is built again, then held again.
      await waitFor(async () => {
        await raw(q);
        return fast.mock.results[fast.mock.results.length - 1].value === false;
      });
      await raw(q);
      expect(fast).toHaveLastReturnedWith(true);
    } finally {
      fast.mockRestore();
    }
  });

  it('keeps serving held pages while PostgreSQL is down, and the next generation once it is back', async () => {
    const q = '/api/v1/leaderboard?window=30d&limit=5';
    const before = await raw(q);
    expect(before.status).toBe(200);
    await pgProxy.cut();
    try {
      const started = Date.now();
      // Past the one-second re-read of the newest generation, which now fails.
      await new Promise((r) => setTimeout(r, 1500));
      for (let i = 0; i < 3; i++) {
        const res = await raw(q);
        expect(res.status).toBe(200);
        expect(res.body.equals(before.body)).toBe(true);
      }
      // Through Nest too (the DTO reads `order=DESC`): the same held page.
      const viaNest = await raw(`${q}&order=DESC`);
      expect(viaNest.status).toBe(200);
      expect(viaNest.body.equals(before.body)).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await pgProxy.restore();
    }
    const next = await recompute(redis, pg);
    await waitFor(async () => JSON.parse((await raw(q)).body.toString()).computed_at === next.computed_at.toISOString(), 15_000);
    const after = await raw(q);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});
