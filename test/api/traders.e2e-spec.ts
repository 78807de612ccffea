import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';
import { TestEvents, TestTrader } from '../support/trade-events';

const ADDRESS_RE = /^0x[0-9a-f]{40}$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The traders and events read API over a seeded database. */
describe('REST: traders, positions, events, history', () => {
  let db: TestDatabase;
  let app: TestApp;
  let data: TestEvents;
  let alice: TestTrader;
  let bob: TestTrader;
  let carol: TestTrader;
  const aliceEvents: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    data = await TestEvents.open(db.url, redis.url);
    const now = Date.now();
    alice = await data.trader(`0xabc${'1'.repeat(37)}`, { accountValue: '125034.50', lastSeen: new Date(now - 1000) });
    bob = await data.trader(`0xabd${'2'.repeat(37)}`, { accountValue: '10', lastSeen: new Date(now - 5000) });
    carol = await data.trader(`0x${'c'.repeat(40)}`, { lastSeen: new Date(now - 2000) });
    for (let i = 0; i < 7; i++) aliceEvents.push((await data.store(alice, { coin: i % 2 ? 'ETH' : 'BTC' })).id);
    await data.store(bob, { coin: 'SOL', eventType: 'position_closed', previous: '-3', current: '0' });

    const q = (sql: string, params: unknown[] = []) => data.pg.query(sql, params);
    await q(`UPDATE traders SET last_tracked_at = now() - interval '1 minute', role = 'user' WHERE id = $1`, [alice.id]);
    await q(
      `INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at, confirmed_at) VALUES
         ($1, 'BTC', 0.25, 97250.5, now(), now()), ($1, 'ETH', -3.5, 3100, now(), NULL), ($1, 'SOL', 0, NULL, now(), now())`,
      [alice.id],
    );
    await q(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
       SELECT $1, timestamptz '2026-01-01T00:00:00Z' + (g || ' hours')::interval, 1000 + g, 10 * g FROM generate_series(0, 47) g`,
      [alice.id],
    );
    // A finished leaderboard generation (its rows in their own partition, as the leaderboard writes them).
    const { rows } = await q(
      `INSERT INTO leaderboard_generations (started_at, computed_at, trader_count) VALUES (now(), now(), 3) RETURNING id`,
    );
    const gen = Number(rows[0].id);
    await q(`CREATE TABLE leaderboard_metrics_g${gen} PARTITION OF leaderboard_metrics FOR VALUES IN (${gen})`);
    await q(
      `INSERT INTO leaderboard_metrics (generation, "window", trader_id, address, eligible, score_rank, trader_score, account_age_days,
                                        total_volume_usd, trades_count, win_rate, max_profit_usd,
                                        cov_volume, cov_pnl, cov_account, cov_risk, cov_age)
       VALUES ($1, 'all', $2, $3, true, 2, 0.9, 30, 1000, 10, 0.6, 150.5, true, true, true, true, true),
              ($1, 'all', $4, $5, true, 1, 0.95, 30, 50, 2, 0.5, 1, true, true, true, true, true),
              ($1, '7d', $2, $3, true, 1, 0.8, 30, 500, 5, 0.7, 100, true, true, true, true, true)`,
      [gen, alice.id, alice.address, bob.id, bob.address],
    );
  });

  afterAll(async () => {
    await data?.close();
    await app?.close();
    await db?.drop();
  });

  const get = (path: string) => request(app.url).get(path);

  describe('GET /api/v1/traders', () => {
    it('lists traders most recently trading first, paginated', async () => {
      const res = await get('/api/v1/traders?limit=2').expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 1, limit: 2 });
      expect(res.body.items.map((t: any) => t.address)).toEqual([alice.address, carol.address]);
      const page2 = await get('/api/v1/traders?limit=2&page=2').expect(200);
      expect(page2.body.items.map((t: any) => t.address)).toEqual([bob.address]);
      const item = res.body.items[0];
      expect(item).toEqual({
        id: alice.id,
        address: alice.address,
        first_seen_at: expect.stringMatching(ISO_RE),
        last_seen_trading_at: expect.stringMatching(ISO_RE),
        last_tracked_at: expect.stringMatching(ISO_RE),
        is_active: true,
        is_vault: false,
        account_value: '125034.50',
        trades_seen: 1,
      });
    });

    it('searches by address prefix, case-insensitively, with or without 0x', async () => {
      for (const search of ['0xab', '0XAB', 'ab', 'AB']) {
        const res = await get(`/api/v1/traders?search=${search}`).expect(200);
        expect(res.body.total).toBe(2);
        expect(res.body.items.map((t: any) => t.address).sort()).toEqual([alice.address, bob.address].sort());
      }
      expect((await get('/api/v1/traders?search=0xabd').expect(200)).body.items).toHaveLength(1);
      expect((await get('/api/v1/traders?search=0xfff').expect(200)).body).toMatchObject({ total: 0, items: [] });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['page=0', 'page'],
      ['page=1.5', 'page'],
      ['search=0xzz', 'search'],
      ['search=' + 'a'.repeat(41), 'search'],
      ['page=1000&limit=500', 'page'],
      ['sort=desc', 'sort'],
    ])('rejects ?%s with a 400 naming %s', async (qs, param) => {
      const res = await get(`/api/v1/traders?${qs}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(param);
    });

    it('serves the legacy /traders alias', async () => {
      const res = await get('/traders?search=0xabc').expect(200);
      expect(res.body.items.map((t: any) => t.address)).toEqual([alice.address]);
    });
  });

  describe('GET /api/v1/traders/{address}', () => {
    it('answers with first/last seen, last tracked, account value, positions and leaderboard metrics', async () => {
      const res = await get(`/api/v1/traders/${alice.address.toUpperCase().replace('0X', '0x')}`).expect(200);
      expect(res.body).toMatchObject({
        id: alice.id,
        address: alice.address,
        role: 'user',
        account_value: '125034.50',
        rank: 2,
        is_vault: false,
      });
      expect(res.body.open_positions).toEqual([
        { coin: 'BTC', size: '0.25', side: 'long', entry_price: '97250.5', updated_at: expect.stringMatching(ISO_RE), confirmed_at: expect.stringMatching(ISO_RE) },
        { coin: 'ETH', size: '-3.5', side: 'short', entry_price: '3100', updated_at: expect.stringMatching(ISO_RE), confirmed_at: null },
      ]);
      // The leaderboard's own per-trader read (LeaderboardReadService).
      expect(res.body.metrics).toMatchObject({
        computed_at: expect.stringMatching(ISO_RE),
        '1d': null,
        '30d': null,
        '7d': { rank: 1, trader_score: 0.8, total_volume_usd: 500, trades_count: 5 },
        all: { rank: 2, trader_score: 0.9, win_rate: 0.6, total_volume_usd: 1000, max_profit_usd: 150.5, trades_count: 10 },
      });
    });

    it('answers null metrics for a trader missing from the leaderboard', async () => {
      const res = await get(`/api/v1/traders/${carol.address}`).expect(200);
      expect(res.body.rank).toBeNull();
      expect(res.body.metrics).toMatchObject({ computed_at: expect.any(String), '1d': null, '7d': null, '30d': null, all: null });
      expect(res.body.open_positions).toEqual([]);
    });

    it('404s an unknown trader and 400s a malformed address', async () => {
      const unknown = `0x${'9'.repeat(40)}`;
      expect((await get(`/api/v1/traders/${unknown}`).expect(404)).body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `trader ${unknown} not found`,
      });
      for (const bad of ['0x123', 'abc', `0x${'g'.repeat(40)}`, `${'a'.repeat(42)}`]) {
        const res = await get(`/api/v1/traders/${bad}`).expect(400);
        expect(res.body.message).toContain('address');
      }
      await get(`/api/v1/traders/0x123/positions`).expect(400);
      await get(`/api/v1/traders/${unknown}/positions`).expect(404);
      await get(`/api/v1/traders/${unknown}/events`).expect(404);
      await get(`/api/v1/traders/${unknown}/history`).expect(404);
    });
  });

  it('GET …/positions: the current positions and when the last snapshot was taken', async () => {
    const res = await get(`/api/v1/traders/${alice.address}/positions`).expect(200);
    expect(res.body.address).toBe(alice.address);
    expect(res.body.last_tracked_at).toMatch(ISO_RE);
    expect(res.body.positions.map((p: any) => [p.coin, p.size])).toEqual([
      ['BTC', '0.25'],
      ['ETH', '-3.5'],
    ]);
  });

  describe('GET …/events', () => {
    it('pages newest first with a `before` cursor', async () => {
      const newestFirst = [...aliceEvents].reverse();
      const first = await get(`/api/v1/traders/${alice.address}/events?limit=3`).expect(200);
      expect(first.body.items.map((e: any) => e.id)).toEqual(newestFirst.slice(0, 3));
      expect(first.body).toMatchObject({ limit: 3, next_before: newestFirst[2] });
      const second = await get(`/api/v1/traders/${alice.address}/events?limit=3&before=${first.body.next_before}`).expect(200);
      expect(second.body.items.map((e: any) => e.id)).toEqual(newestFirst.slice(3, 6));
      const last = await get(`/api/v1/traders/${alice.address}/events?limit=3&before=${second.body.next_before}`).expect(200);
      expect(last.body.items.map((e: any) => e.id)).toEqual(newestFirst.slice(6));
      expect(last.body.next_before).toBeNull();
      expect(first.body.items[0]).toEqual({
        id: newestFirst[0],
        trader_id: alice.id,
        trader_address: alice.address,
        timestamp: expect.stringMatching(ISO_RE),
        event_type: 'position_opened',
        details: expect.objectContaining({ coin: 'BTC', previous_size: '0', current_size: '1', source: 'stream' }),
      });
    });

    it.each([['limit=0'], ['limit=501'], ['before=0'], ['before=abc'], ['before=-5'], ['after=1']])('rejects ?%s', async (qs) => {
      const res = await get(`/api/v1/traders/${alice.address}/events?${qs}`).expect(400);
      expect(res.body.message).toContain(qs.split('=')[0]);
    });

    it('serves the legacy /traders/{id}/events by numeric id or address', async () => {
      const byId = await get(`/traders/${alice.id}/events?limit=2`).expect(200);
      const byAddress = await get(`/traders/${alice.address}/events?limit=2`).expect(200);
      expect(byId.body.items.map((e: any) => e.id)).toEqual([...aliceEvents].reverse().slice(0, 2));
      expect(byAddress.body).toEqual(byId.body);
      await get('/traders/999999/events').expect(404);
      expect((await get('/traders/0xnope/events').expect(400)).body.message).toContain('id');
    });
  });

  it('GET /api/v1/events: every trader\'s events, newest first', async () => {
    const res = await get('/api/v1/events?limit=2').expect(200);
    expect(res.body.items[0]).toMatchObject({ trader_address: bob.address, event_type: 'position_closed', details: { side: 'short', coin: 'SOL' } });
    expect(res.body.items[1].id).toBe(aliceEvents[aliceEvents.length - 1]);
    const older = await get(`/api/v1/events?before=${res.body.next_before}&limit=500`).expect(200);
    expect(older.body.items).toHaveLength(aliceEvents.length - 1);
    await get('/api/v1/events?limit=1000').expect(400);
  });

  describe('GET …/history', () => {
    it('answers the account value series, oldest first', async () => {
      const res = await get(`/api/v1/traders/${alice.address}/history`).expect(200);
      expect(res.body).toMatchObject({ address: alice.address, from: null, to: null, truncated: false });
      expect(res.body.points).toHaveLength(48);
      expect(res.body.points[0]).toEqual({ time: '2026-01-01T00:00:00.000Z', account_value: '1000', total_ntl_pos: '0' });
    });

    it('filters by from/to (no offset = UTC) and caps with limit, keeping the newest', async () => {
      const res = await get(`/api/v1/traders/${alice.address}/history?from=2026-01-01T10:00:00Z&to=2026-01-01T12:00`).expect(200);
      expect(res.body.points.map((p: any) => p.time)).toEqual([
        '2026-01-01T10:00:00.000Z',
        '2026-01-01T11:00:00.000Z',
        '2026-01-01T12:00:00.000Z',
      ]);
      expect(res.body.to).toBe('2026-01-01T12:00:00.000Z');
      const capped = await get(`/api/v1/traders/${alice.address}/history?from=2026-01-02&limit=5`).expect(200);
      expect(capped.body.truncated).toBe(true);
      expect(capped.body.points.map((p: any) => p.time)).toEqual([
        '2026-01-02T19:00:00.000Z',
        '2026-01-02T20:00:00.000Z',
        '2026-01-02T21:00:00.000Z',
        '2026-01-02T22:00:00.000Z',
        '2026-01-02T23:00:00.000Z',
      ]);
    });

    it.each([
      ['from=yesterday', 'from'],
      ['to=2026-13-01', 'to'],
      ['from=2026-01-02&to=2026-01-01', 'from'],
      ['limit=0', 'limit'],
    ])('rejects ?%s naming %s', async (qs, param) => {
      const res = await get(`/api/v1/traders/${alice.address}/history?${qs}`).expect(400);
      expect(res.body.message).toContain(param);
    });
  });

  it('returns addresses lower-case everywhere', async () => {
    const res = await get('/api/v1/traders?limit=500').expect(200);
    for (const t of res.body.items) expect(t.address).toMatch(ADDRESS_RE);
  });
});
