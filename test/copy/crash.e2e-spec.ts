import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';
import { freePort, RunningProcess, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { approvedAccount, duplicateCloids, simPositions } from './live-support';
import { ADMIN_KEY, copyApi, createFollower, follow, journal, waitForBaseline } from './support';

const COINS = ['BTC', 'ETH', 'SOL'];
const ENC_KEY = 'cd'.repeat(32);

/**
 * kill -9 of the worker after an order's journal write and send, before its answer is recorded;
 * the restarted worker resolves the pending order by cloid (orderStatus) before anything else:
 * no cloid twice at the exchange, the follower ends at the desired position. The logs of both
 * processes never contain the agent key or the follower's token. And kill -9 between the journal
 * write and the send (the order was signed meanwhile): nothing reached the exchange, the restarted
 * worker finds the cloid unknown there, fails that row and sends a new order, once.
 */
describe('copy trading: crash between journal, send and answer', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let proc: RunningProcess | null = null;
  const logs: string[] = [];
  const leader = randomAddress();
  const other = randomAddress();
  let env: Record<string, string>;

  const boot = async (extra: Record<string, string> = {}) => {
    const port = await freePort();
    proc = spawnApp({ ...env, PORT: String(port), ...extra });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.ok, 60_000, 250);
    return url;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, traders: 10, coins: COINS, tradeRate: 0, weightPerMinute: 100_000 });
    db = await createTestDatabase();
    const redis = await createTestRedis();
    env = {
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
      LOG_LEVEL: 'debug',
    };
  });

  afterEach(() => {
    proc?.child.kill('SIGKILL');
  });

  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await sim?.close();
    await db?.drop();
  });

  it('resolves the pending order by cloid after a restart: no duplicate, desired position reached', async () => {
    let url = await boot({ FAULT_INJECTION: 'copy-after-journal' });
    const api = copyApi(url);
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 30_000);
    sim.control.trade({ coin: 'SOL', buyer: leader, seller: other, sz: '1' });
    await waitForBaseline(db.url, leader);
    sim.control.trade({ coin: 'SOL', buyer: other, seller: leader, sz: '1' });
    const acct = await approvedAccount(sim);
    const f = await createFollower(api, { address: acct.master, mode: 'live', agent_private_key: acct.agentKey });
    expect((await follow(api, f, { leader, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH'] })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));

    sim.control.trade({ coin: 'ETH', buyer: leader, seller: other, sz: '3' });
    const exit = await proc!.exited;
    expect(exit.signal).toBe('SIGKILL');
    logs.push(proc!.output());
    // Journaled and sent, its answer never recorded.
    const { rows } = await withClient(db.url, (c) => c.query<{ cloid: string; status: string }>('SELECT cloid, status FROM copy_orders WHERE follower_id = $1', [f.id]));
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('pending');
    expect(sim.control.exchangeOrders(acct.master).map((o) => o.cloid)).toEqual([rows[0].cloid]);

    url = await boot();
    const api2 = copyApi(url);
    await waitFor(async () => {
      const j = await journal(api2, f);
      return j.length > 0 && j.every((o) => o.status !== 'pending' && o.status !== 'sent') ? j : null;
    }, 60_000, 500);
    expect(Math.abs(((await simPositions(sim, acct.master)).ETH ?? 0) - 0.3)).toBeLessThan(0.0002);
    // Then it keeps copying.
    sim.control.trade({ coin: 'ETH', buyer: other, seller: leader, sz: '3' });
    await waitFor(async () => ((await simPositions(sim, acct.master)).ETH ?? 0) === 0, 40_000, 250);
    expect(duplicateCloids(sim, acct.master)).toEqual([]);
    const j = await journal(api2, f);
    expect(j.filter((o) => o.status === 'filled').length).toBe(2);
    const perf = await request(url).get(`/api/v1/copy/followers/${f.id}/performance`).set(api2.bearer(f.token));
    expect(perf.status).toBe(200);

    proc!.child.kill('SIGTERM');
    await proc!.exited;
    logs.push(proc!.output());
    const all = logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(acct.agentKey.slice(2));
    expect(all).not.toContain(acct.ownerKey.slice(2));
    expect(all).not.toContain(f.token);
  });

  it('a kill between the journal write and the send: nothing was sent, the restarted worker sends it once', async () => {
    const leader2 = randomAddress();
    const api = copyApi(await boot({ FAULT_INJECTION: 'copy-before-send' }));
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 30_000);
    sim.control.trade({ coin: 'SOL', buyer: leader2, seller: other, sz: '1' });
    await waitForBaseline(db.url, leader2);
    sim.control.trade({ coin: 'SOL', buyer: other, seller: leader2, sz: '1' });
    sim.control.trade({ coin: 'ETH', buyer: leader2, seller: other, sz: '2' });
    await waitFor(async () => {
      const { rows } = await withClient(db.url, (c) =>
        c.query(`SELECT 1 FROM trader_positions p JOIN traders t ON t.id = p.trader_id WHERE t.address = $1 AND p.coin = 'ETH' AND p.szi = 2`, [leader2]),
      );
      return rows.length > 0;
    }, 30_000, 250);
    // The leader's open position is entered at once (no signal: nothing goes stale while the worker is down).
    const acct = await approvedAccount(sim);
    const f = await createFollower(api, { address: acct.master, mode: 'live', agent_private_key: acct.agentKey });
    const res = await follow(api, f, { leader: leader2, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH'], copy_open_positions: true });
    expect(res.status).toBe(201);
    const exit = await proc!.exited;
    expect(exit.signal).toBe('SIGKILL');
    // Journaled (committed), never sent.
    const rows = async () =>
      (await withClient(db.url, (c) => c.query<{ cloid: string; status: string; error: string | null }>('SELECT cloid, status, error FROM copy_orders WHERE follower_id = $1 ORDER BY id', [f.id]))).rows;
    const [pending] = await rows();
    expect(pending.status).toBe('pending');
    expect(sim.control.exchangeOrders(acct.master)).toEqual([]);

    await boot();
    // The row is failed once the exchange has not known its cloid for a while; then the decision is
    // sent anew (at a price from the stream: the restarted worker has seen none yet, hence the trades).
    const third = randomAddress();
    let polls = 0;
    await waitFor(async () => {
      if (polls++ % 10 === 0) sim.control.trade({ coin: 'ETH', buyer: other, seller: third, sz: '0.01' });
      return ((await simPositions(sim, acct.master)).ETH ?? 0) > 0.19;
    }, 60_000, 500).catch(async (err) => {
      throw new Error(`${String(err)}; journal ${JSON.stringify(await rows())}`);
    });
    const after = await waitFor(async () => {
      const r = await rows();
      return r.every((o) => o.status !== 'pending' && o.status !== 'sent') ? r : null;
    }, 30_000, 500);
    expect(after[0]).toMatchObject({ cloid: pending.cloid, status: 'failed' });
    expect(after.filter((o) => o.status === 'filled')).toHaveLength(1);
    // Without a price the decision waited, journaled once as skipped (not again at every reconciliation).
    expect(after.filter((o) => o.error === 'no_price').length).toBeLessThanOrEqual(1);
    expect(sim.control.exchangeOrders(acct.master).map((o) => o.cloid)).not.toContain(pending.cloid);
    expect(duplicateCloids(sim, acct.master)).toEqual([]);
    expect(Math.abs(((await simPositions(sim, acct.master)).ETH ?? 0) - 0.2)).toBeLessThan(0.0002);
    expect(proc!.output()).not.toContain(acct.agentKey.slice(2));
  });
});
