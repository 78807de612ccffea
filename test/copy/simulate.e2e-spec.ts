import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LeaderHistoryRepository } from '../../src/copy/data/leader-history.repository';
import { CopyBacktest, LeaderFill } from '../../src/copy/domain/backtest';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { createTestRedis } from '../support/redis';
import { insertFills, insertTrader, randomAddress, seedBusyLeader } from './leader-fills';

const SIMULATE = '/api/v1/copy/simulate';

/**
 * POST /api/v1/copy/simulate over real HTTP against real Postgres: a hand-computed replay, a
 * leader with 10,000 fills answered in under 2 s and equal to one replay of all its fills read at
 * once (the keyset pages neither skip nor repeat a fill), and the contract's errors.
 */
describe('copy simulate (backtest of a leader)', () => {
  let db: TestDatabase;
  let pg: Client;
  let app: TestApp;
  const now = Date.now();

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    app = await startTestApp({
      ROLE: 'api',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
      PAPER_TAKER_FEE_BPS: '5',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await pg?.end();
    await db?.drop();
  });

  it('equals a hand replay: fixed_ratio 0.5, 10 bps paper slippage, 5 bps fee', async () => {
    const leader = randomAddress();
    const id = await insertTrader(pg, leader);
    const t0 = now - 3_600_000;
    await insertFills(pg, id, [
      { t: t0 - 8 * 86_400_000, coin: 'SOL', side: 'B', px: '150', sz: '2', startPosition: '0' }, // before the 7d window
      { t: t0, coin: 'BTC', side: 'B', px: '100000', sz: '1', startPosition: '0' }, // buy 0.5 at 100,100 (fee 25.025)
      { t: t0 + 1000, coin: 'BTC', side: 'A', px: '110000', sz: '0.4', startPosition: '1' }, // sell 0.2 at 109,890 (fee 10.989), +1,958
      { t: t0 + 2000, coin: 'ETH', side: 'B', px: '4000', sz: '10', startPosition: '0' }, // buy 5 at 4,004 (fee 10.01)
      { t: t0 + 3000, coin: 'BTC', side: 'A', px: '90000', sz: '0.6', startPosition: '0.6' }, // sell 0.3 at 89,910 (fee 13.4865), −3,057
      { t: t0 + 4000, coin: 'ETH', side: 'B', px: '4100', sz: '0.002', startPosition: '10' }, // a $4.10 delta: under the $10 minimum
    ]);
    const res = await request(app.url)
      .post(SIMULATE)
      .send({ leader: leader.toUpperCase().replace('0X', '0x'), sizing: 'fixed_ratio', ratio: 0.5, slippage_bps: 10, equity_usd: 10_000, window: '7d' })
      .expect(200);
    const peak = 10_000 + 1958 - 25.025 - 10.989 + 9900 * 0.3;
    const trough = 10_000 - 1099 - 59.5105 - 20;
    expect(res.body).toMatchObject({
      leader,
      window: '7d',
      equity_usd: 10_000,
      pnl_usd: -678.5105,
      realized_pnl_usd: -1099,
      unrealized_pnl_usd: 480,
      fees_usd: 59.5105,
      orders: 4,
      skipped_orders: 1,
      leader_fills: 5,
      truncated: false,
      stopped: false,
      positions: [{ coin: 'ETH', size: 5, entry_price: 4004, mark_price: 4100 }],
    });
    expect(res.body.max_drawdown_pct).toBeCloseTo(((peak - trough) / peak) * 100, 3);
    const curve = res.body.equity_curve as Array<[number, number]>;
    expect(curve[0]).toEqual([Date.parse(res.body.from), 10_000]);
    expect(curve.slice(1, 6).map((p) => p[0])).toEqual([t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000]);
    expect(curve[2][1]).toBeCloseTo(peak, 6);
    expect(curve[curve.length - 1][1]).toBeCloseTo(10_000 - 678.5105, 6);
    // The whole history: the SOL fill before the 7d window is replayed too (copied: 1 SOL, at the 0 size decimals its fills show).
    const all = await request(app.url).post(SIMULATE).send({ leader, sizing: 'fixed_ratio', ratio: 0.5, window: 'all' }).expect(200);
    expect(all.body.leader_fills).toBe(6);
    expect(all.body.from).toBeNull();
    expect(all.body.orders).toBe(5);
    expect(all.body.equity_curve[0][0]).toBe(t0 - 8 * 86_400_000);
  });

  it('answers a leader with 10,000 fills in under 2 s, equal to a replay of all its fills at once', async () => {
    const leader = randomAddress();
    const id = await insertTrader(pg, leader, { accountValue: 250_000 });
    await seedBusyLeader(pg, id, 10_000, now - 60_000);
    await pg.query(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
       SELECT $1, to_timestamp(($2::float8 - i * 3600000.0) / 1000.0), 250000 + 1000 * sin(i), 0 FROM generate_series(0, 200) i`,
      [id, now],
    );
    const body = { leader, sizing: 'proportional', multiplier: 3, equity_usd: 25_000, window: '30d', max_position_usd: 20_000 };
    await request(app.url).post(SIMULATE).send(body).expect(200); // warm
    const started = Date.now();
    const res = await request(app.url).post(SIMULATE).send(body).expect(200);
    const ms = Date.now() - started;
    expect(ms).toBeLessThan(2000);
    expect(res.body.leader_fills).toBe(10_000);
    expect(res.body.orders).toBeGreaterThan(1000);
    expect(res.body.equity_curve.length).toBeLessThanOrEqual(1002);

    // The same replay from one read of every fill and account value.
    const { rows: fills } = await pg.query<{ t: number; coin: string; side: 'A' | 'B'; px: number; sz: number; sp: number }>(
      `SELECT (extract(epoch FROM time) * 1000)::float8 AS t, coin, side, px::float8 AS px, sz::float8 AS sz, start_position::float8 AS sp
         FROM trader_fills WHERE trader_id = $1 AND time > $2::timestamptz ORDER BY time, tid`,
      [id, res.body.from],
    );
    const { rows: points } = await pg.query<{ t: number; av: number }>(
      `SELECT (extract(epoch FROM time) * 1000)::float8 AS t, account_value::float8 AS av FROM account_value_points WHERE trader_id = $1 ORDER BY time`,
      [id],
    );
    const from = Date.parse(res.body.from);
    const equityAt = (t: number) => {
      const before = points.filter((p) => p.t <= t);
      return (before.length > 0 ? before[before.length - 1] : points[0]).av;
    };
    const bt = new CopyBacktest({
      settings: {
        sizing: 'proportional', multiplier: 3, ratio: null, notionalUsd: null, maxLeverage: null, maxPositionUsd: 20_000,
        maxTotalUsd: null, coinsAllow: null, coinsDeny: null, sides: 'both', reverse: false,
      },
      copyOpenPositions: false,
      equityUsd: 25_000,
      slippageBps: app.config.copyDefaultSlippageBps,
      exitSlippageBps: app.config.copyExitSlippageBps,
      rebalanceBandPct: 5,
      maxLossUsd: null,
      feeBps: 5,
      reconcileMs: app.config.copyReconcileSeconds * 1000,
      szDecimals: (coin) => ({ BTC: 3, ETH: 2, SOL: 0 })[coin]!, // the seed's finest size steps
      leaderEquityAt: (t) => (t < points[0].t ? points[0].av : equityAt(t)),
      startMs: from,
      endMs: Date.parse(res.body.to),
    });
    for (const f of fills) bt.push({ t: Math.round(f.t), coin: f.coin, side: f.side, px: f.px, sz: f.sz, startPosition: f.sp } satisfies LeaderFill);
    const expected = bt.finish();
    // Smaller keyset pages read the same rows in the same order; with 300 a page ends on fill 299 and the
    // next starts on fill 300, which the seed gives the same time (every 7th fill shares its predecessor's).
    const paged: LeaderFill[] = [];
    for await (const page of new LeaderHistoryRepository(app.app.get(DataSource)).fills(id, from, 300)) paged.push(...page);
    expect(paged[299].t).toBe(paged[300].t);
    expect(paged.map((f) => `${f.t}:${f.coin}:${f.sz}`)).toEqual(fills.map((f) => `${Math.round(f.t)}:${f.coin}:${f.sz}`));
    expect(expected.leaderFills).toBe(10_000);
    expect(res.body.orders).toBe(expected.orders);
    expect(res.body.pnl_usd).toBeCloseTo(expected.pnlUsd, 4);
    expect(res.body.fees_usd).toBeCloseTo(expected.feesUsd, 4);
    expect(res.body.max_drawdown_pct).toBeCloseTo(expected.maxDrawdownPct, 3);
    // Several at once (two replay at a time, the others wait their turn): every one answers, alike.
    const together = await Promise.all(Array.from({ length: 5 }, () => request(app.url).post(SIMULATE).send(body)));
    expect(together.map((r) => [r.status, r.body.pnl_usd, r.body.orders])).toEqual(together.map(() => [200, res.body.pnl_usd, res.body.orders]));
  }, 60_000);

  it('refuses bad input with 400 naming the field, an unknown trader with 404, a vault with 422', async () => {
    const leader = randomAddress();
    await insertTrader(pg, leader);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ leader, sizing: 'martingale' }, /sizing/],
      [{ leader, multiplier: 0 }, /multiplier/],
      [{ leader, multiplier: -1 }, /multiplier/],
      [{ leader, slippage_bps: 0 }, /slippage_bps/],
      [{ leader, slippage_bps: 1001 }, /slippage_bps/],
      [{ leader, window: '1d' }, /window/],
      [{ leader, equity_usd: 0 }, /equity_usd/],
      [{ leader, equity_usd: '1000' }, /equity_usd/],
      [{ leader: '0x1234' }, /leader/],
      [{}, /leader/],
      [{ leader, sizing: 'fixed_ratio' }, /ratio/],
      [{ leader, sizing: 'fixed_notional' }, /notional_usd/],
      [{ leader, bogus: 1 }, /bogus/],
    ];
    for (const [body, field] of bad) {
      const res = await request(app.url).post(SIMULATE).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toMatch(field);
    }
    const unknown = await request(app.url).post(SIMULATE).send({ leader: randomAddress() }).expect(404);
    expect(unknown.body.message).toMatch(/not found/);
    const vault = randomAddress();
    await insertTrader(pg, vault, { isVault: true });
    expect((await request(app.url).post(SIMULATE).send({ leader: vault }).expect(422)).body.message).toMatch(/vault/);
    // proportional sizing needs the leader's equity
    const id = await insertTrader(pg, randomAddress());
    const { rows } = await pg.query<{ address: string }>(`SELECT address FROM traders WHERE id = $1`, [id]);
    await insertFills(pg, id, [{ t: now - 60_000, coin: 'BTC', side: 'B', px: '100000', sz: '1', startPosition: '0' }], 7);
    expect((await request(app.url).post(SIMULATE).send({ leader: rows[0].address }).expect(422)).body.message).toMatch(/account value/);
    // a leader without fills: a flat curve, no orders
    const quiet = await request(app.url).post(SIMULATE).send({ leader, sizing: 'fixed_ratio', ratio: 1 }).expect(200);
    expect(quiet.body).toMatchObject({ pnl_usd: 0, orders: 0, fees_usd: 0, max_drawdown_pct: 0, leader_fills: 0 });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await request(app.url).get('/docs-json').expect(200)).body;
    const op = doc.paths['/api/v1/copy/simulate'].post;
    expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/SimulateDto/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422', '429']));
    const result = doc.components.schemas.SimulateResultDto.properties;
    for (const f of ['equity_curve', 'pnl_usd', 'max_drawdown_pct', 'orders', 'fees_usd']) expect(result[f]).toBeDefined();
  });
});
