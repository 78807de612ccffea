import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { EventListener } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/**
 * Spending the budget where the stream is blind: with the round-robin 10 minutes away, a backstop
 * liquidation (no public trade) is corrected within seconds because the stream's prices crossed
 * the trader's liquidation price and the live engine sent it for an early snapshot.
 */
describe('live positions: suspects reconciled ahead of the round-robin', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let listener: EventListener;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 12, coins: ['ETH'], tradeRate: 0, weightPerMinute: 100_000 });
    db = await createTestDatabase();
    const redis = await createTestRedis();
    listener = await EventListener.start(redis.url);
    app = await startTestApp({
      ROLE: 'discovery,worker',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: '100000',
      TRACKING_INTERVAL_SECONDS: '600',
      INCLUDE_VAULTS: 'true', // the simulator's first accounts include a vault
    });
    await waitFor(async () => sim.control.stats().ws.subscriptions >= 1, 15000);
  });

  afterAll(async () => {
    await app?.close();
    await listener?.close();
    await sim?.close();
    await db?.drop();
  });

  async function account(user: string): Promise<{ value: number; liquidationPx: number; mark: number }> {
    const res = await fetch(`${sim.httpUrl}/info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'clearinghouseState', user }),
    });
    const body = (await res.json()) as {
      marginSummary: { accountValue: string };
      assetPositions: Array<{ position: { coin: string; szi: string; positionValue: string; liquidationPx: string | null } }>;
    };
    const eth = body.assetPositions.find((p) => p.position.coin === 'ETH')?.position;
    return {
      value: Number(body.marginSummary.accountValue),
      liquidationPx: Number(eth?.liquidationPx ?? 0),
      mark: eth ? Number(eth.positionValue) / Math.abs(Number(eth.szi)) : 0,
    };
  }

  it('a crossed liquidation price brings the trader’s snapshot forward and corrects the liquidation', async () => {
    const [victim, a, b] = sim.control.traders();
    // A leveraged long for the victim; a trade makes it known, and its first snapshot baselines it.
    sim.control.setPosition({ user: victim, coin: 'ETH', szi: '1' });
    const probe = await account(victim);
    // About 15x: the exchange (and the simulator) give it a liquidation price.
    sim.control.setPosition({ user: victim, coin: 'ETH', szi: String(Math.round((probe.value * 15) / probe.mark)) });
    sim.control.trade({ coin: 'ETH', buyer: victim, seller: a, sz: '1' });
    await waitFor(async () => {
      const { rows } = await withClient(db.url, (c) =>
        c.query('SELECT 1 FROM traders t JOIN live_baselines b ON b.trader_id = t.id WHERE t.address = $1', [victim]),
      );
      return rows.length === 1;
    }, 20000);
    const liq = (await account(victim)).liquidationPx;
    expect(liq).toBeGreaterThan(0);
    // The backstop takes the position over (no public trade: the stream cannot see it)…
    sim.control.liquidate({ user: victim, coin: 'ETH', method: 'backstop' });
    // …and the stream shows a price through its liquidation price, between two other traders.
    sim.control.trade({ coin: 'ETH', buyer: a, seller: b, sz: '0.5', px: (liq * 0.97).toFixed(1) });

    const correction = await waitFor(
      async () => listener.forTrader(victim).find((e) => e.details.source === 'snapshot' && e.details.current_size === '0'),
      20000,
    ).catch(async (err) => {
      console.log(JSON.stringify(listener.forTrader(victim)), await withClient(db.url, (c) => c.query('SELECT address, traded_flag_at, flag_priority, last_tracked_at, claimed_until, is_active, is_vault, role, claimed_by FROM traders WHERE address = $1', [victim])).then((r) => JSON.stringify(r.rows)));
      throw err;
    });
    expect(correction.event_type).toBe('position_closed');
    const metrics = (await request(app.url).get('/metrics')).text;
    expect(Number(/live_suspects_total\{[^}]*reason="liquidation_price"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
  });
});
