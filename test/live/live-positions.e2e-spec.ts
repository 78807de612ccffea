import Decimal from 'decimal.js';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { EventListener } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

const COINS = ['BTC', 'ETH', 'SOL'];

/**
 * Live positions from the public trade stream against the simulator's ground truth: every
 * baselined trader's positions end equal to the exchange's, a backstop liquidation (no public
 * trade) is corrected by a snapshot, and the event chain of every trader and coin has no
 * duplicate and no gap (each event starts where the previous one ended).
 */
describe('live positions from the trade stream', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let listener: EventListener;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, traders: 60, coins: COINS, tradeRate: 0, weightPerMinute: 100_000 });
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
      TRACKING_INTERVAL_SECONDS: '4',
      INCLUDE_VAULTS: 'true',
    });
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 15000);
  });

  afterAll(async () => {
    await app?.close();
    await listener?.close();
    await sim?.close();
    await db?.drop();
  });

  const baselined = () =>
    withClient(db.url, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM live_baselines')).then((r) =>
      Number(r.rows[0].n),
    );
  const storedFills = () =>
    withClient(db.url, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM fills')).then((r) => Number(r.rows[0].n));

  /** Every baselined trader whose positions differ from the simulator's truth (empty when all agree). */
  const mismatches = async () => {
    const truth = new Map(sim.control.truth().map((t) => [t.address, t]));
    const { rows } = await withClient(db.url, (c) =>
      c.query<{ address: string; positions: Array<{ coin: string; szi: string }> | null }>(`
        SELECT t.address, (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text)) FROM trader_positions p
                            WHERE p.trader_id = t.id) AS positions
          FROM traders t WHERE EXISTS (SELECT 1 FROM live_baselines lb WHERE lb.trader_id = t.id)`),
    );
    const differing = rows.filter((r) => {
      const ours = new Map((r.positions ?? []).map((p) => [p.coin, new Decimal(p.szi)]));
      const theirs = new Map((truth.get(r.address)?.positions ?? []).filter((p) => Number(p.szi) !== 0).map((p) => [p.coin, new Decimal(p.szi)]));
      return !(ours.size === theirs.size && [...theirs].every(([coin, szi]) => ours.get(coin)?.equals(szi)));
    });
    return { checked: rows.length, differing: differing.map((r) => r.address) };
  };

  it('follows every baselined trader through a stream of trades and a backstop liquidation', async () => {
    sim.control.setTradeRate(150);
    // Everyone who trades is discovered and baselined within a few rounds.
    await waitFor(async () => (await baselined()) >= 40, 30000);
    // Trading goes on past the baselines, so the stream (not the snapshots) moves the positions.
    const atBaseline = await storedFills();
    await waitFor(async () => (await storedFills()) >= atBaseline + 300, 30000);

    // A baselined trader with an open position is liquidated by the backstop: no public trade.
    const victim = await waitFor(async () => {
      const { rows } = await withClient(db.url, (c) =>
        c.query<{ address: string; coin: string }>(`
          SELECT t.address, p.coin FROM trader_positions p JOIN traders t ON t.id = p.trader_id
           WHERE EXISTS (SELECT 1 FROM live_baselines lb WHERE lb.trader_id = t.id) AND NOT t.is_vault ORDER BY abs(p.szi) DESC LIMIT 1`),
      );
      return rows[0];
    });
    // Quiet market first, so the correction is exactly the liquidation.
    sim.control.setTradeRate(0);
    await waitFor(async () => (await storedFills()) >= sim.control.stats().trades.total, 15000);
    sim.control.liquidate({ user: victim.address, coin: victim.coin, method: 'backstop' });

    // Reconciliation (a snapshot round) corrects it with a snapshot event.
    const correction = await waitFor(async () =>
      listener
        .forTrader(victim.address)
        .find((e) => e.details.source === 'snapshot' && e.details.coin === victim.coin && e.details.current_size === '0'),
      20000,
    );
    expect(correction.event_type).toBe('position_closed');

    // Within the next full rounds every baselined trader equals the exchange.
    const final = await waitFor(async () => {
      const m = await mismatches();
      return m.checked >= 40 && m.differing.length === 0 ? m : undefined;
    }, 30000).catch(async () => mismatches());
    expect(final.checked).toBeGreaterThanOrEqual(40);
    expect(final.differing).toEqual([]);
  });

  it('emits no duplicate and leaves no gap: each event starts where the previous one ended', async () => {
    // Only this test's traders: the Redis channel is server-wide.
    const ours = new Set(sim.control.traders());
    const received = listener.received.filter((e) => ours.has(e.trader_address));
    const chains = new Map<string, Array<{ previous: string; current: string; id: number }>>();
    for (const e of received) {
      const key = `${e.trader_address}|${e.details.coin}`;
      const list = chains.get(key) ?? [];
      list.push({ previous: e.details.previous_size, current: e.details.current_size, id: e.id });
      chains.set(key, list);
    }
    expect(chains.size).toBeGreaterThan(20);
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [key, list] of chains) {
      list.sort((a, b) => a.id - b.id);
      for (let i = 1; i < list.length; i++) {
        if (!new Decimal(list[i].previous).equals(new Decimal(list[i - 1].current))) {
          throw new Error(`${key}: event ${list[i].id} starts at ${list[i].previous}, previous ended at ${list[i - 1].current}`);
        }
      }
    }
  });
});
