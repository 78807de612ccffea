import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import {
  ADMIN_KEY,
  connectSocket,
  copyApi,
  CopyApi,
  createFollower,
  follow,
  journal,
  positions,
  waitForActual,
  waitForBaseline,
} from './support';

const COINS = ['BTC', 'ETH', 'SOL'];

/**
 * Paper copy trading end to end over real HTTP and Socket.IO against the simulator: a leader's
 * open, increase, decrease, flip and close are mirrored with the contract's sizing, filters and
 * reverse; a decision under $10 is skipped and journaled; the follower room gets the journal.
 */
describe('copy trading, paper', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let api: CopyApi;
  const leader = randomAddress();
  const other = randomAddress();
  const trade = (coin: string, sz: string, leaderBuys: boolean) =>
    sim.control.trade({ coin, buyer: leaderBuys ? leader : other, seller: leaderBuys ? other : leader, sz });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, traders: 10, coins: COINS, tradeRate: 0, weightPerMinute: 100_000 });
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({
      ROLE: 'all',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: '100000',
      TRACKING_INTERVAL_SECONDS: '3',
      ADMIN_API_KEY: ADMIN_KEY,
      COPY_RECONCILE_SECONDS: '3',
    });
    api = copyApi(app.url);
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 20000);
    // The leader's first trade makes it known; tracking then baselines it.
    trade('SOL', '1', true);
    await waitForBaseline(db.url, leader);
    trade('SOL', '1', false); // flat again
    await waitFor(async () => {
      const res = await request(app.url).get(`/api/v1/traders/${leader}/positions`);
      return res.status === 200 && (res.body.positions as unknown[]).length === 0;
    }, 20000);
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('authenticates route by route: 401 without a token, 403 with another follower’s', async () => {
    const a = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const b = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const routes: Array<[string, string, object?]> = [
      ['get', ''],
      ['patch', '', { status: 'active' }],
      ['post', '/stop', { close_positions: false }],
      ['get', '/follows'],
      ['post', '/follows', { leader }],
      ['patch', `/follows/${leader}`, { multiplier: 2 }],
      ['delete', `/follows/${leader}`],
      ['get', '/positions'],
      ['get', '/orders'],
      ['get', '/performance'],
    ];
    for (const [method, path, body] of routes) {
      const url = `/api/v1/copy/followers/${a.id}${path}`;
      const call = (h: Record<string, string>) => (request(app.url) as unknown as Record<string, (u: string) => request.Test>)[method](url).set(h).send(body);
      expect([method, path, (await call({})).status]).toEqual([method, path, 401]);
      expect([method, path, (await call(api.bearer(b.token))).status]).toEqual([method, path, 403]);
      expect([method, path, (await call(api.bearer('tsf_wrong'))).status]).toEqual([method, path, 403]);
    }
    expect((await request(app.url).get(`/api/v1/copy/followers/${a.id}`).set(api.bearer(a.token))).status).toBe(200);
    expect((await request(app.url).get(`/api/v1/copy/followers/${a.id}`).set(api.bearer(ADMIN_KEY))).status).toBe(200);
    expect((await request(app.url).get(`/api/v1/copy/followers/${a.id}`).set(api.admin)).status).toBe(200);
    // Admin routes.
    expect((await request(app.url).get('/api/v1/copy/followers')).status).toBe(401);
    expect((await request(app.url).get('/api/v1/copy/followers').set(api.bearer(a.token))).status).toBe(401);
    expect((await request(app.url).get('/api/v1/copy/followers').set({ 'x-api-key': 'nope' })).status).toBe(403);
    expect((await request(app.url).post('/api/v1/copy/followers').send({ address: randomAddress(), mode: 'paper' })).status).toBe(401);
    expect((await request(app.url).post('/api/v1/admin/copy/halt')).status).toBe(401);
    const list = await request(app.url).get('/api/v1/copy/followers').set(api.admin);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(a.token);
    expect(JSON.stringify(list.body)).not.toMatch(/token/);
  });

  it('validates input naming the field, and creates nothing half-way', async () => {
    const bad = async (body: object, field: string, status = 400) => {
      const res = await request(app.url).post('/api/v1/copy/followers').set(api.admin).send(body);
      expect([field, res.status]).toEqual([field, status]);
      expect(res.body.message).toContain(field);
    };
    await bad({ address: '0x12', mode: 'paper' }, 'address');
    await bad({ address: randomAddress(), mode: 'demo' }, 'mode');
    await bad({ address: randomAddress(), mode: 'live', agent_private_key: '0x1234' }, 'agent_private_key');
    await bad({ address: randomAddress(), mode: 'paper', paper_equity_usd: -5 }, 'paper_equity_usd');
    await bad({ address: randomAddress(), mode: 'paper', extra: 1 }, 'extra');
    const f = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const badFollow = async (body: Record<string, unknown>, field: string, status = 400) => {
      const res = await follow(api, f, body);
      expect([field, res.status]).toEqual([field, status]);
      expect(res.body.message).toContain(field);
    };
    await badFollow({ leader, sizing: 'martingale' }, 'sizing');
    await badFollow({ leader, multiplier: 0 }, 'multiplier');
    await badFollow({ leader, slippage_bps: 0 }, 'slippage_bps');
    await badFollow({ leader, slippage_bps: 1001 }, 'slippage_bps');
    await badFollow({ leader: 'nope' }, 'leader');
    await badFollow({ leader, sizing: 'fixed_ratio' }, 'ratio');
    await badFollow({ leader: randomAddress() }, 'leader', 422);
    const self = await request(app.url).get(`/api/v1/copy/followers/${f.id}`).set(api.bearer(f.token));
    await badFollow({ leader: self.body.address }, 'leader', 422);
    const follows = await request(app.url).get(`/api/v1/copy/followers/${f.id}/follows`).set(api.bearer(f.token));
    expect(follows.body.items).toEqual([]);
  });

  it('mirrors open, increase, decrease, flip and close with each sizing mode, filters and reverse', async () => {
    const prop = await createFollower(api, { address: randomAddress(), mode: 'paper', paper_equity_usd: 20_000 });
    const ratio = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const rev = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const notional = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    const longOnly = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    expect((await follow(api, prop, { leader, sizing: 'proportional', multiplier: 0.5, coins_deny: ['SOL'] })).status).toBe(201);
    expect((await follow(api, ratio, { leader, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH'] })).status).toBe(201);
    expect((await follow(api, rev, { leader, sizing: 'fixed_ratio', ratio: 0.2, reverse: true, max_position_usd: 2000 })).status).toBe(201);
    expect((await follow(api, notional, { leader, sizing: 'fixed_notional', notional_usd: 500 })).status).toBe(201);
    expect((await follow(api, longOnly, { leader, sizing: 'fixed_ratio', ratio: 0.1, sides: 'long' })).status).toBe(201);

    // The room of `ratio` sees its journal; a wrong token gets an error and nothing else.
    const socket = await connectSocket(app.url);
    const seen: Array<{ cloid: string; status: string }> = [];
    socket.on('copy_order', (o: { cloid: string; status: string }) => seen.push(o));
    expect(await socket.emitWithAck('subscribe', { follower: ratio.id, token: ratio.token })).toMatchObject({ ok: true });
    const intruder = await connectSocket(app.url);
    const intruderOrders: unknown[] = [];
    intruder.on('copy_order', (o) => intruderOrders.push(o));
    const errors: unknown[] = [];
    intruder.on('error', (e) => errors.push(e));
    await intruder.emitWithAck('subscribe', { follower: ratio.id, token: prop.token });
    await waitFor(async () => errors.length > 0);
    expect(errors[0]).toEqual({ message: 'unauthorized' });

    let leaderEth = 0;
    const step = async (sz: number, buy: boolean) => {
      trade('ETH', String(sz), buy);
      leaderEth += buy ? sz : -sz;
      // fixed_ratio 0.1 (ETH only): exact within rounding.
      await waitForActual(api, ratio, 'ETH', leaderEth * 0.1, 0.0011);
      // reverse, capped at $2000.
      const px = Number((await positions(api, ratio)).ETH?.mark_price ?? 0) || 3000;
      const revWant = -leaderEth * 0.2;
      const revCapped = Math.sign(revWant) * Math.min(Math.abs(revWant), 2000 / px);
      await waitForActual(api, rev, 'ETH', revCapped, Math.abs(revCapped) * 0.03 + 0.0011);
      await waitForActual(api, longOnly, 'ETH', Math.max(0, leaderEth * 0.1), 0.0011);
      // proportional: leader × follower equity / leader equity × 0.5, desired = actual within rounding, or
      // within the rebalance band (5 %) once the follower's equity moved with the price after the order.
      let last: unknown;
      const p = await waitFor(async () => {
        const pos = (await positions(api, prop)).ETH;
        last = pos;
        const [want, got] = [Number(pos?.desired_size ?? 0), Number(pos?.actual_size ?? 0)];
        const tolerance = Math.max(0.0011, Math.abs(want) * 0.05);
        return Math.abs(want - got) <= tolerance && (leaderEth === 0 ? got === 0 : want !== 0) ? pos ?? { desired_size: '0' } : null;
      }, 45000, 200).catch((err) => {
        throw new Error(`proportional: leader ETH ${leaderEth}, last ${JSON.stringify(last)}: ${String(err)}`);
      });
      // ≈ leader × 20,000 / ~10,000 × 0.5.
      if (leaderEth !== 0) expect(Math.abs(Number(p.desired_size) / leaderEth - 1)).toBeLessThan(0.2);
    };
    await step(2, true); // open long
    await step(1, true); // increase
    await step(1.5, false); // decrease
    await step(3.5, false); // flip to short 2
    await step(2, true); // close

    // The decrease is reduce-only; the flip is a reduce-only close then an open.
    const rows = await journal(api, ratio);
    const kinds = rows.filter((r) => r.status === 'filled').map((r) => [r.kind, r.reduce_only]).reverse();
    expect(kinds).toEqual([
      ['open', false],
      ['increase', false],
      ['decrease', true],
      ['flip_close', true],
      ['flip_open', false],
      ['close', true],
    ]);
    // SOL and BTC are not in ratio's coins_allow: never traded.
    expect(rows.every((r) => r.coin === 'ETH')).toBe(true);
    await waitFor(async () => seen.filter((o) => o.status === 'filled').length >= 6).catch((err) => {
      throw new Error(`room saw ${JSON.stringify(seen)}: ${String(err)}`);
    });
    expect(intruderOrders).toEqual([]);
    socket.disconnect();
    intruder.disconnect();

    // fixed_notional: $500 at the open.
    const n = await journal(api, notional);
    const open = n.reverse().find((r) => r.kind === 'open' && r.status === 'filled')!;
    expect(Number(open.size) * Number(open.limit_price)).toBeGreaterThan(480);
    expect(Number(open.size) * Number(open.limit_price)).toBeLessThan(520);
  });

  it('skips and journals a decision under $10, with an alert', async () => {
    const tiny = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    expect((await follow(api, tiny, { leader, sizing: 'fixed_ratio', ratio: 0.01, coins_allow: ['SOL'] })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    trade('SOL', '5', true); // 0.05 SOL, a few dollars
    const row = await waitFor(async () => (await journal(api, tiny)).find((r) => r.status === 'skipped'), 20000);
    expect(row).toMatchObject({ coin: 'SOL', error: 'below_minimum', side: 'buy' });
    const perf = await request(app.url).get(`/api/v1/copy/followers/${tiny.id}/performance`).set(api.bearer(tiny.token));
    expect(perf.status).toBe(200);
    expect(perf.body.recent_alerts[0]).toMatchObject({ kind: 'skipped' });
    trade('SOL', '5', false);
  });

  it('reports performance and obeys the global halt', async () => {
    const f = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    expect((await follow(api, f, { leader, sizing: 'fixed_ratio', ratio: 0.5, coins_allow: ['BTC'] })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    trade('BTC', '0.02', true);
    await waitForActual(api, f, 'BTC', 0.01, 0.00001);
    const perf = await request(app.url).get(`/api/v1/copy/followers/${f.id}/performance`).set(api.bearer(f.token));
    expect(perf.body.latency_ms.trade_to_order.count).toBeGreaterThanOrEqual(1);
    expect(Number(perf.body.fees_usd)).toBeGreaterThan(0);
    expect(perf.body.slippage_vs_leader.orders).toBeGreaterThanOrEqual(1);

    expect((await request(app.url).post('/api/v1/admin/copy/halt').set(api.admin)).body).toEqual({ halted: true });
    trade('BTC', '0.02', false);
    const halted = await waitFor(async () => (await journal(api, f)).find((r) => r.error === 'halted'), 20000);
    expect(halted.status).toBe('skipped');
    expect(Number((await positions(api, f)).BTC.actual_size)).toBeCloseTo(0.01);
    await request(app.url).post('/api/v1/admin/copy/resume').set(api.admin);
    // Exits are retried: after the resume the copy is closed.
    await waitForActual(api, f, 'BTC', 0, 0);
  });

  it('leaves a follower room on unsubscribe', async () => {
    const f = await createFollower(api, { address: randomAddress(), mode: 'paper' });
    expect((await follow(api, f, { leader, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH'] })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    const socket = await connectSocket(app.url);
    const seen: string[] = [];
    socket.on('copy_order', (o: { cloid: string }) => seen.push(o.cloid));
    expect(await socket.emitWithAck('subscribe', { follower: f.id, token: f.token })).toMatchObject({ ok: true });
    trade('ETH', '1', true);
    await waitFor(async () => seen.length > 0, 20000);
    expect(await socket.emitWithAck('unsubscribe', { follower: f.id })).toEqual({ ok: true, follower: f.id, left: true });
    const before = seen.length;
    trade('ETH', '1', false);
    await waitFor(async () => (await journal(api, f)).filter((r) => r.status === 'filled').length >= 2, 20000);
    await new Promise((r) => setTimeout(r, 500)); // time for a copy_order to arrive, if one were still sent
    expect(seen).toHaveLength(before);
    // A second unsubscribe is a no-op.
    expect(await socket.emitWithAck('unsubscribe', { follower: f.id })).toEqual({ ok: true, follower: f.id, left: false });
    socket.disconnect();
  });
});
