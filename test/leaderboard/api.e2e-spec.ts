import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import { SORT_FIELDS } from '../../src/leaderboard/leaderboard-fields';
import { usd } from '../../src/leaderboard/leaderboard-numbers';
import { LeaderboardReadService } from '../../src/leaderboard/leaderboard-read.service';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';
import { seedBoard } from './fixtures';
import { latestGeneration, recompute, startLeaderboardWorker } from './support';
import { LeaderboardCacheKeys } from '../../src/redis/contracts/leaderboard-cache';

const CONTRACT_FIELDS = [
  'rank',
  'address',
  'trader_score',
  'win_rate',
  'total_volume_usd',
  'account_age_days',
  'avg_risk_ratio',
  'max_drawdown',
  'max_profit_usd',
  'max_loss_usd',
  'realized_pnl_usd',
  'account_value_usd',
  'roi',
  'profit_factor',
  'trades_count',
];

interface StoredRow {
  window: string;
  trader_id: string;
  address: string;
  trades_count: number;
  total_volume_usd: string;
  eligible: boolean;
  score_rank: number | null;
  [metric: string]: unknown;
}

/** GET /api/v1/leaderboard and /leaderboard against a board computed by the worker, cached in Redis. */
describe('leaderboard API', () => {
  let db: TestDatabase;
  let pg: Client;
  let redis: Redis;
  let proxy: TcpProxy;
  let api: TestApp;
  let worker: INestApplicationContext;
  let addresses: string[];
  let stored: StoredRow[];
  let generation: number;
  let workerEnv: Record<string, string>;

  const metric = async (name: string): Promise<number> => {
    const res = await request(api.url).get('/metrics');
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(res.text);
    return m ? Number(m[1]) : 0;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const r = await createTestRedis();
    redis = new Redis(r.url);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const redisUrl = new URL(r.url);
    proxy = new TcpProxy('127.0.0.1', Number(redisUrl.port || 6379));
    const port = await proxy.start();
    api = await startTestApp({
      ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${port}${redisUrl.pathname}`,
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
    });
    addresses = await seedBoard(pg, 40);
    workerEnv = { DATABASE_URL: db.url, REDIS_URL: r.url, LEADERBOARD_INTERVAL_SECONDS: '3600' };
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await proxy?.close();
    redis?.disconnect();
    await pg?.end();
    await db?.drop();
  });

  /** The worker starts after the first test: it computes a generation at boot. */
  const waitForBoard = async () => {
    if (stored) return;
    worker ??= await startLeaderboardWorker(workerEnv);
    const g = await waitFor(() => latestGeneration(pg));
    generation = g.id;
    stored = (await pg.query<StoredRow>('SELECT * FROM leaderboard_metrics WHERE generation = $1', [generation])).rows;
  };

  it('answers 200 with no items before the first generation', async () => {
    const res = await request(api.url).get('/api/v1/leaderboard').expect(200);
    expect(res.body).toMatchObject({ items: [], total: 0, page: 1, limit: 50, computed_at: null, window: 'all' });
  });

  // Issue 19: copy_score is the default sort (the contract's "once it exists"); trader_score keeps its precomputed rank.
  it('ranks by copy_score by default (unknown last), with every contract field as numbers', async () => {
    await waitForBoard();
    const res = await request(api.url).get('/api/v1/leaderboard').expect(200);
    const listed = stored
      .filter((r) => r.window === 'all' && (r.trades_count >= 10 || r.exchange_reported) && Number(r.total_volume_usd) >= 100)
      .sort((a, b) => {
        const [x, y] = [a.copy_score as number | null, b.copy_score as number | null];
        if (x === null || y === null) return x === y ? Number(a.trader_id) - Number(b.trader_id) : x === null ? 1 : -1;
        return y - x || Number(a.trader_id) - Number(b.trader_id);
      });
    expect(listed.filter((r) => r.copy_score !== null).length).toBeGreaterThan(0);
    expect(res.body.sort_by).toBe('copy_score');
    expect(res.body.total).toBe(listed.length);
    expect(res.body.items.map((i: { address: string }) => i.address)).toEqual(listed.slice(0, 50).map((r) => r.address));
    expect(res.body.items.map((i: { rank: number }) => i.rank)).toEqual(listed.slice(0, 50).map((_, i) => i + 1));
    for (const field of CONTRACT_FIELDS) expect(res.body.items[0]).toHaveProperty(field);
    for (const item of res.body.items as Array<Record<string, unknown>>) {
      for (const field of CONTRACT_FIELDS.filter((f) => f !== 'address')) {
        expect([typeof item[field], item[field]]).toEqual(item[field] === null ? ['object', null] : ['number', item[field]]);
      }
      for (const field of ['total_volume_usd', 'realized_pnl_usd', 'max_profit_usd', 'max_loss_usd', 'account_value_usd']) {
        if (item[field] !== null) expect(Math.abs((item[field] as number) * 100 - Math.round((item[field] as number) * 100))).toBeLessThan(1e-6);
      }
    }
    const byScore = await request(api.url).get('/api/v1/leaderboard?sort_by=trader_score').expect(200);
    const eligible = stored.filter((r) => r.window === 'all' && r.eligible).sort((a, b) => a.score_rank! - b.score_rank!);
    expect(byScore.body.total).toBe(eligible.length);
    expect(byScore.body.items.map((i: { address: string }) => i.address)).toEqual(eligible.slice(0, 50).map((r) => r.address));
    expect(Object.keys(res.body.items[0].coverage).sort()).toEqual([...SORT_FIELDS].sort());
    const g = await latestGeneration(pg);
    expect(res.body.computed_at).toBe(g!.computed_at.toISOString());
    expect(res.body.items.some((i: { address: string }) => i.address === addresses[40])).toBe(false); // the vault
    const legacy = await request(api.url).get('/leaderboard').expect(200);
    expect(legacy.body).toEqual(res.body);
  });

  it('sorts by every metric in both orders (unknown last), filters, pages; rank follows the order', async () => {
    await waitForBoard();
    for (const window of ['all', '7d'] as const) {
      for (const sortBy of SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          const minTrades = 5;
          const minVolume = 50;
          const expected = stored
            .filter((r) => r.window === window && r.trades_count >= minTrades && Number(r.total_volume_usd) >= minVolume)
            .sort((a, b) => {
              const x = a[sortBy] === null ? null : Number(a[sortBy]);
              const y = b[sortBy] === null ? null : Number(b[sortBy]);
              const tie = order === 'asc' ? Number(b.trader_id) - Number(a.trader_id) : Number(a.trader_id) - Number(b.trader_id);
              if (x === null || y === null) return x === y ? tie : x === null ? 1 : -1;
              const d = order === 'asc' ? x - y : y - x;
              return d !== 0 ? d : tie;
            });
          const q = `window=${window}&sort_by=${sortBy}&order=${order}&min_trades=${minTrades}&min_volume_usd=${minVolume}`;
          const page2 = await request(api.url).get(`/api/v1/leaderboard?${q}&page=2&limit=7`).expect(200);
          expect(page2.body.total).toBe(expected.length);
          expect(page2.body.items.map((i: { address: string }) => i.address)).toEqual(expected.slice(7, 14).map((r) => r.address));
          expect(page2.body.items.map((i: { rank: number }) => i.rank)).toEqual(expected.slice(7, 14).map((_, i) => 8 + i));
        }
      }
    }
    // Ascending by score through the precomputed rank: the default filters read it backwards.
    const asc = await request(api.url).get('/api/v1/leaderboard?sort_by=trader_score&order=asc&limit=500').expect(200);
    const eligible = stored.filter((r) => r.window === 'all' && r.eligible).sort((a, b) => b.score_rank! - a.score_rank!);
    expect(asc.body.items.map((i: { address: string }) => i.address)).toEqual(eligible.map((r) => r.address));
    const everyone = await request(api.url).get('/api/v1/leaderboard?min_trades=0&min_volume_usd=0&limit=500').expect(200);
    expect(everyone.body.total).toBe(stored.filter((r) => r.window === 'all').length);
    const beyond = await request(api.url).get('/api/v1/leaderboard?page=1000&limit=500').expect(200);
    expect(beyond.body.items).toEqual([]);
  });

  it.each([
    ['sort_by=volume', 'sort_by'],
    ['order=up', 'order'],
    ['window=2d', 'window'],
    ['page=0', 'page'],
    ['page=1.5', 'page'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['min_trades=-1', 'min_trades'],
    ['min_volume_usd=lots', 'min_volume_usd'],
    ['min_volume_usd=-5', 'min_volume_usd'],
    ['colour=red', 'colour'],
  ])('rejects %s with a 400 naming the parameter', async (query, param) => {
    const res = await request(api.url).get(`/api/v1/leaderboard?${query}`).expect(400);
    expect(String(res.body.message)).toContain(param);
    await request(api.url).get(`/leaderboard?${query}`).expect(400);
  });

  it('caches per parameter set and generation, counting hits and misses', async () => {
    await waitForBoard();
    const q = '/api/v1/leaderboard?window=30d&sort_by=roi&limit=13';
    const hits = await metric('leaderboard_cache_hits_total');
    const misses = await metric('leaderboard_cache_misses_total');
    const first = await request(api.url).get(q).expect(200);
    const second = await request(api.url).get(q).expect(200);
    expect(second.body).toEqual(first.body);
    expect(await metric('leaderboard_cache_misses_total')).toBe(misses + 1);
    expect(await metric('leaderboard_cache_hits_total')).toBe(hits + 1);
    const keys = await redis.keys(`${LeaderboardCacheKeys.prefix}${generation}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(await redis.ttl(keys[0])).toBeGreaterThan(250);

    // A new generation: new keys, so the next request is a miss and shows the new computed_at.
    const next = await recompute(redis, pg);
    // The api re-reads the newest generation at most once a second: old pages (hits) until then.
    await waitFor(async () => (await request(api.url).get(q).expect(200)).body.computed_at === next.computed_at.toISOString());
    expect(await metric('leaderboard_cache_misses_total')).toBe(misses + 2);
    stored = (await pg.query<StoredRow>('SELECT * FROM leaderboard_metrics WHERE generation = $1', [next.id])).rows;
    generation = next.id;
  });

  it('serves from PostgreSQL when Redis is down, never an error', async () => {
    await waitForBoard();
    const q = '/api/v1/leaderboard?window=all&sort_by=win_rate&limit=11';
    const cached = await request(api.url).get(q).expect(200);
    await proxy.cut();
    try {
      // Read from the registry: while Redis is down, other collectors make /metrics itself slow.
      const cacheErrors = async () =>
        ((await api.app.get(Registry).getSingleMetric('leaderboard_cache_errors_total')!.get()).values as Array<{ value: number }>).reduce(
          (s, v) => s + v.value,
          0,
        );
      const errors = await cacheErrors();
      const started = Date.now();
      const res = await request(api.url).get(q).expect(200);
      expect(res.body).toEqual(cached.body);
      const other = await request(api.url).get('/api/v1/leaderboard?window=30d&sort_by=trades_count&limit=3&min_trades=0').expect(200);
      expect(other.body.items).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await cacheErrors()).toBeGreaterThan(errors);
    } finally {
      await proxy.restore();
    }
  });

  it('gives a trader\'s metrics and score rank per window to the trader detail', async () => {
    await waitForBoard();
    const read = api.app.get(LeaderboardReadService);
    const best = stored.find((r) => r.window === 'all' && r.score_rank === 1)!;
    const byAddress = await read.metricsForTrader(best.address.toUpperCase().replace('0X', '0x'));
    const byId = await read.metricsForTrader(Number(best.trader_id));
    expect(byId).toEqual(byAddress);
    expect(byAddress!.all).toMatchObject({ rank: 1, address: best.address, eligible: true });
    for (const w of ['1d', '7d', '30d'] as const) {
      const row = stored.find((r) => r.window === w && r.address === best.address);
      expect(byAddress![w]?.rank ?? null).toBe(row ? row.score_rank : null);
      if (row) expect(byAddress![w]!.total_volume_usd).toBe(usd(row.total_volume_usd));
    }
    expect(await read.metricsForTrader('0x' + '0'.repeat(40))).toMatchObject({ all: null, '1d': null });
  });
});
