import { Client } from 'pg';
import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startDiscovery, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { waitFor } from '../support/process';

const COINS = ['BTC', 'ETH', 'SOL'];
const BOUND = 1000;
const TRADES = 4000;

/**
 * Backpressure against the simulator: with the ledger blocked (a lock held on `traders`), the
 * buffer reaches DISCOVERY_BUFFER_MAX_TRADES, discovery pauses reading the stream and says so in
 * /health/detailed; once the lock goes, every trade (four times the bound) is stored, none dropped.
 */
describe('discovery: backpressure instead of drops', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 40, coins: COINS, tradeRate: 0, replayCount: 0 });
    db = await createTestDatabase();
    app = await startDiscovery(sim, db.url, COINS.length, {
      DISCOVERY_BUFFER_MAX_TRADES: String(BOUND),
      WS_SILENCE_TIMEOUT_SECONDS: '3',
      WS_PING_INTERVAL_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  async function stream(): Promise<Record<string, any>> {
    const res = await request(app.url).get('/health/detailed');
    return res.body.checks.hyperliquid_stream;
  }

  it('pauses the reader while the ledger is blocked and then stores every trade', async () => {
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE traders IN EXCLUSIVE MODE');
    const traders = sim.control.traders();
    try {
      for (let i = 0; i < TRADES; i++) {
        const buyer = traders[i % traders.length];
        const seller = traders[(i * 7 + 1) % traders.length];
        sim.control.trade({ coin: COINS[i % COINS.length], buyer, seller: seller === buyer ? traders[(i + 1) % traders.length] : seller, sz: '1', takerSide: i % 2 ? 'A' : 'B' });
        if (i % 200 === 199) await new Promise((r) => setImmediate(r));
      }
      const paused = await waitFor(async () => {
        const s = await stream();
        return s.backpressure.reader_paused ? s : null;
      }, 60_000);
      expect(paused.buffer_bound).toBe(BOUND);
      expect(paused.status).toBe('up'); // paused by design, not silent
      expect(paused.buffer_depth).toBeLessThan(2 * BOUND);
    } finally {
      await blocker.query('COMMIT');
      await blocker.end();
    }
    const count = () => withClient(db.url, async (c) => Number((await c.query('SELECT count(*) AS n FROM fills')).rows[0].n));
    await waitFor(async () => (await count()) >= TRADES, 90_000, 250);
    const after = await waitFor(async () => {
      const s = await stream();
      return !s.backpressure.reader_paused && s.buffer_depth === 0 ? s : null;
    }, 30_000);
    expect(await count()).toBe(TRADES);
    expect(after.buffer_dropped).toBe(0);
    expect(after.backpressure.pauses).toBeGreaterThanOrEqual(1);
    expect(after.backpressure.paused_seconds_total).toBeGreaterThan(0);
    const metrics = await request(app.url).get('/metrics');
    expect(metrics.text).toMatch(/discovery_buffer_dropped_total\{[^}]*\} 0\n/);
    expect(metrics.text).toMatch(/discovery_reader_paused\{[^}]*\} 0\n/);
  });
});
