import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

const WINDOW_S = 10;
const LIMIT = 100; // weight per window: the 600/min budget scaled to a 10 s window
const TRADERS = 2000;

/**
 * Two workers share one budget against the simulator's own limiter (the same rolling-window size):
 * the simulator never sees more than the limit in any window, never answers 429, the budget is
 * spent (≥ 90 % of a window once warmed up), and no trader is fetched twice in one round.
 */
describe('tracking: two workers spend one shared budget to the last unit, never over', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  const workers: TestApp[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, traders: 50, coins: ['BTC'], weightPerMinute: LIMIT, weightWindowMs: WINDOW_S * 1000 });
    db = await createTestDatabase();
    const redis = await createTestRedis();
    const addresses = Array.from({ length: TRADERS }, randomAddress);
    await withClient(db.url, (c) =>
      c.query('INSERT INTO traders (address, first_seen_at, role_checked_at, role) SELECT a, now(), now(), $2 FROM unnest($1::varchar[]) a', [
        addresses,
        'user',
      ]),
    );
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startTestApp({
          ROLE: 'worker',
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          HYPERLIQUID_API_URL: sim.httpUrl,
          WEBSOCKET_URL: sim.wsUrl,
          RATE_LIMIT_WEIGHT_PER_MINUTE: String(LIMIT),
          RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_S),
          TRACKING_INTERVAL_SECONDS: '600',
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await sim?.close();
    await db?.drop();
  });

  it('stays under the limit in every window, gets no 429, uses ≥ 90 %, fetches nobody twice', async () => {
    const started = Date.now();
    // On an empty Redis the budget assumes the exchange's last window was spent evenly (it ramps up
    // over one window), then three steady windows.
    await new Promise((r) => setTimeout(r, (WINDOW_S * 4) * 1000));
    const stats = sim.control.stats();
    const elapsed = (Date.now() - started) / 1000;
    expect(stats.weight.maxWindow).toBeLessThanOrEqual(LIMIT);
    expect(stats.weight.rejected429).toBe(0);
    expect(stats.weight.currentWindow).toBeGreaterThanOrEqual(0.9 * LIMIT);
    // Overall: half a window's worth while the budget ramps up, then the steady rate.
    const ideal = LIMIT * (0.5 + (elapsed - WINDOW_S) / WINDOW_S);
    expect(stats.weight.totalConsumed).toBeGreaterThanOrEqual(0.8 * ideal);

    const { rows } = await withClient(db.url, (c) =>
      c.query<{ max: string; traders: string }>(
        'SELECT max(n) AS max, count(*) AS traders FROM (SELECT trader_id, count(*) AS n FROM account_value_points GROUP BY trader_id) x',
      ),
    );
    expect(Number(rows[0].max)).toBe(1);
    expect(Number(rows[0].traders)).toBeGreaterThan(100);
    const claimedByBoth = await withClient(db.url, (c) =>
      c.query<{ n: string }>("SELECT count(DISTINCT split_part(claimed_by, ':', 3)) AS n FROM traders WHERE claimed_by IS NOT NULL"),
    );
    expect(Number(claimedByBoth.rows[0].n)).toBeLessThanOrEqual(2);
    await waitFor(async () => true);
  });
});
