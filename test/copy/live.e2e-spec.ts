import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { approvedAccount, duplicateCloids, simPositions } from './live-support';
import { ADMIN_KEY, copyApi, CopyApi, createFollower, follow, journal, positions, waitForBaseline } from './support';

const COINS = ['BTC', 'ETH', 'SOL'];
const ENC_KEY = 'ab'.repeat(32);

/**
 * Live copy trading against the simulator's /exchange: an agent approved with a signed
 * approveAgent trades the follower's account; positions at the exchange end at the desired ones;
 * a partial fill is completed by reconciliation; /exchange failing (500 after executing, 429, 2 s
 * late) never makes a cloid go twice and never loses the decision.
 */
describe('copy trading, live', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let api: CopyApi;
  const leader = randomAddress();
  const other = randomAddress();
  const trade = (coin: string, sz: string, leaderBuys: boolean) =>
    sim.control.trade({ coin, buyer: leaderBuys ? leader : other, seller: leaderBuys ? other : leader, sz });
  let leaderEth = 0;
  const leaderTrades = (sz: number, buy: boolean) => {
    trade('ETH', String(sz), buy);
    leaderEth += buy ? sz : -sz;
  };
  const atExchange = async (master: string, coin: string, expected: number, tol = 0.0002, timeoutMs = 40_000) => {
    let last = 0;
    try {
      await waitFor(async () => {
        last = (await simPositions(sim, master))[coin] ?? 0;
        return Math.abs(last - expected) <= tol;
      }, timeoutMs, 250);
    } catch {
      throw new Error(`${master} ${coin}: expected ${expected} at the exchange, has ${last}`);
    }
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, traders: 10, coins: COINS, tradeRate: 0, weightPerMinute: 100_000 });
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
      COPY_KEY_ENCRYPTION_KEY: ENC_KEY,
    });
    api = copyApi(app.url);
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 20000);
    trade('SOL', '1', true);
    await waitForBaseline(db.url, leader);
    trade('SOL', '1', false);
    await new Promise((r) => setTimeout(r, 1000));
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('refuses an agent that is not approved for the account (422 naming agent_private_key), creating nothing', async () => {
    const acct = await approvedAccount(sim, false);
    const res = await request(app.url).post('/api/v1/copy/followers').set(api.admin).send({ address: acct.master, mode: 'live', agent_private_key: acct.agentKey });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('agent_private_key');
    expect(JSON.stringify(res.body)).not.toContain(acct.agentKey.slice(2));
    const list = await request(app.url).get('/api/v1/copy/followers').set(api.admin);
    expect(list.body.items.find((f: { address: string }) => f.address === acct.master)).toBeUndefined();
    // The owner's own key is not an agent.
    const own = await request(app.url).post('/api/v1/copy/followers').set(api.admin).send({ address: acct.master, mode: 'live', agent_private_key: acct.ownerKey });
    expect(own.status).toBe(422);
  });

  it('copies open, increase, decrease, flip and close at the exchange; partial fills and /exchange faults end at the desired size', async () => {
    const acct = await approvedAccount(sim);
    const f = await createFollower(api, { address: acct.master, mode: 'live', agent_private_key: acct.agentKey });
    const view = await request(app.url).get(`/api/v1/copy/followers/${f.id}`).set(api.bearer(f.token));
    expect(view.body).toMatchObject({ mode: 'live', agent_address: acct.agent });
    expect(JSON.stringify(view.body)).not.toContain(acct.agentKey.slice(2));
    expect((await follow(api, f, { leader, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH'], max_leverage: 5 })).status).toBe(201);
    // A second live follower: proportional (× 0.2), reversed, short side only.
    const acct2 = await approvedAccount(sim);
    const f2 = await createFollower(api, { address: acct2.master, mode: 'live', agent_private_key: acct2.agentKey });
    expect((await follow(api, f2, { leader, sizing: 'proportional', multiplier: 0.2, reverse: true, sides: 'short', coins_allow: ['ETH'] })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1000));
    /** f2 at the exchange equals its desired size (≈ −0.2 × leader, zero when that is long). */
    const f2AtDesired = async () => {
      let last: unknown;
      await waitFor(async () => {
        const want = Number((await positions(api, f2)).ETH?.desired_size ?? 0);
        const got = (await simPositions(sim, acct2.master)).ETH ?? 0;
        last = { want, got, leaderEth };
        const expected = leaderEth > 0 ? -0.2 * leaderEth : 0;
        return Math.abs(got - want) <= 0.0002 && Math.abs(want - expected) <= Math.abs(expected) * 0.25 + 0.0002;
      }, 40_000, 250).catch((err) => {
        throw new Error(`proportional reverse short-only: ${JSON.stringify(last)}: ${String(err)}`);
      });
    };

    leaderTrades(2, true); // open
    await atExchange(acct.master, 'ETH', 0.2);
    await f2AtDesired();
    leaderTrades(1, true); // increase
    await atExchange(acct.master, 'ETH', 0.3);
    await f2AtDesired();
    leaderTrades(1.5, false); // decrease
    await atExchange(acct.master, 'ETH', 0.15);
    await f2AtDesired();
    leaderTrades(3.5, false); // flip
    await atExchange(acct.master, 'ETH', -0.2);
    await f2AtDesired(); // the reversed copy would be long: short-only closes it

    // A partial fill: the book has 0.05 ETH for the next crossing order; reconciliation completes it.
    sim.control.setExchangeDepth({ coin: 'ETH', sz: '0.05', count: 1 });
    leaderTrades(2, false); // to -0.4
    await waitFor(async () => (await journal(api, f)).some((o) => o.status === 'partially_filled'), 20000);
    await atExchange(acct.master, 'ETH', -0.4);

    // 500 after executing (outcome unknown): resolved by cloid, not sent again.
    sim.control.failExchange({ status: 500, count: 1, afterExecute: true });
    leaderTrades(1, true); // to -0.3
    await atExchange(acct.master, 'ETH', -0.3);
    // 429 (not executed): the decision is not lost.
    sim.control.failExchange({ status: 429, count: 1 });
    leaderTrades(1, true); // to -0.2
    await atExchange(acct.master, 'ETH', -0.2, 0.0002, 60_000);
    // 2 s late answers.
    sim.control.slowExchange({ delayMs: 2000, forMs: 6000 });
    leaderTrades(2, true); // close
    await atExchange(acct.master, 'ETH', 0, 0.0002, 60_000);

    expect(duplicateCloids(sim, acct.master)).toEqual([]);
    expect(duplicateCloids(sim, acct2.master)).toEqual([]);
    // The late answers arrive; every journal row is resolved.
    const rows = await waitFor(async () => {
      const j = await journal(api, f);
      return j.every((r) => r.status !== 'pending' && r.status !== 'sent') ? j : null;
    }, 30_000, 250);
    expect(new Set(rows.map((r) => r.cloid)).size).toBe(rows.length);
    expect(rows.filter((r) => r.status === 'pending' || r.status === 'sent')).toEqual([]);
    // Every order the exchange received is in the journal with its cloid.
    const journaled = new Set(rows.map((r) => r.cloid));
    for (const o of sim.control.exchangeOrders(acct.master)) expect(journaled.has(o.cloid ?? '')).toBe(true);
    // Leverage was set (min(leader, 5)) before the first order.
    expect(sim.control.stats().exchange.byAction.updateLeverage ?? 0).toBeGreaterThanOrEqual(1);
  });
});
