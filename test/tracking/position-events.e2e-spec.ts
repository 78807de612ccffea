import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { EventListener, randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/**
 * Trades drive a trader through open → increase → decrease → flip → close; with the 75 s round,
 * each becomes exactly one event within 5 s: a snapshot baselines the trader (found through the
 * discovery signal and the fast path), then the live applier derives each change from the stream.
 */
describe('tracking: position events, 75 s rounds', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let listener: EventListener;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 20, coins: ['BTC', 'ETH'], tradeRate: 0 });
    db = await createTestDatabase();
    const redis = await createTestRedis();
    listener = await EventListener.start(redis.url);
    app = await startTestApp({
      ROLE: 'discovery,worker',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      TRACKING_INTERVAL_SECONDS: '75',
    });
    await waitFor(async () => sim.control.stats().ws.subscriptions >= 2, 15000);
  });

  afterAll(async () => {
    await app?.close();
    await listener?.close();
    await sim?.close();
    await db?.drop();
  });

  it('emits opened, increased, decreased, flipped, closed in order, each within 5 s of its trade', async () => {
    const trader = randomAddress();
    const other = randomAddress();
    // Discovery sees the trader, the fast path snapshots it: the baseline (its ETH open is a first-sight event).
    sim.control.trade({ coin: 'ETH', buyer: trader, seller: other, sz: '1' });
    await waitFor(() =>
      withClient(db.url, (c) =>
        c.query('SELECT 1 FROM traders t JOIN live_baselines b ON b.trader_id = t.id WHERE t.address = $1', [trader]),
      ).then((r) => r.rowCount === 1),
    );

    const btc = () => listener.forTrader(trader).filter((e) => e.details.coin === 'BTC');
    const steps: Array<{ buy: boolean; sz: string; type: string; size: string }> = [
      { buy: true, sz: '1', type: 'position_opened', size: '1' },
      { buy: true, sz: '1', type: 'position_increased', size: '2' },
      { buy: false, sz: '0.5', type: 'position_decreased', size: '1.5' },
      { buy: false, sz: '3', type: 'position_flipped', size: '-1.5' },
      { buy: true, sz: '1.5', type: 'position_closed', size: '0' },
    ];
    for (const [i, step] of steps.entries()) {
      const tradedAt = Date.now();
      sim.control.trade({
        coin: 'BTC',
        buyer: step.buy ? trader : other,
        seller: step.buy ? other : trader,
        sz: step.sz,
      });
      const event = await waitFor(async () => btc()[i], 10000);
      expect(event.event_type).toBe(step.type);
      expect(event.details).toMatchObject({ coin: 'BTC', current_size: step.size, source: 'stream' });
      expect(event.receivedAt - tradedAt).toBeLessThan(5000);
    }
    const events = listener.forTrader(trader);
    expect(btc().map((e) => e.event_type)).toEqual(steps.map((s) => s.type));
    expect(events.filter((e) => e.details.coin === 'ETH').map((e) => [e.event_type, e.details.source])).toEqual([['position_opened', 'stream']]);
    expect(btc()[3].details).toMatchObject({ previous_size: '1.5', size_change: '-3', side: 'short' });

    const stored = await withClient(db.url, (c) =>
      c.query<{ id: string; published_at: Date | null }>(
        'SELECT id, published_at FROM trade_events WHERE trader_address = $1 ORDER BY id',
        [trader],
      ),
    );
    expect(stored.rows.map((r) => Number(r.id))).toEqual(events.map((e) => e.id));
    expect(stored.rows.every((r) => r.published_at !== null)).toBe(true);
  });

  it('keeps snapshots lean: one account-value point per snapshot, history only on change', async () => {
    const { rows } = await withClient(db.url, (c) =>
      c.query<{ snapshots: string; points: string }>(`
        SELECT (SELECT count(*) FROM user_state_history) AS snapshots,
               (SELECT count(*) FROM account_value_points) AS points`),
    );
    expect(Number(rows[0].points)).toBeGreaterThanOrEqual(Number(rows[0].snapshots));
  });
});
