import request from 'supertest';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';
import { IoClient, WsClient } from '../support/live-clients';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/**
 * First sight, at default tracking settings (75 s rounds): a trader the app has never seen opens a
 * position; its first trade queues its baseline first, the first snapshot replays the kept trade,
 * and every change from that first open on reaches a Socket.IO and a plain WebSocket client as
 * one `stream` event, in order, with exact sizes. The same after a restart with the live state and
 * baselines cleared; and a trader first seen by its close (opened before the app started) closes
 * with the size it had. The REST event lists hold the same events.
 */
describe('live: every change from a trader’s very first trade', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let redisUrl: string;
  let app: TestApp;
  const ours = new Set<string>();
  const clients: Array<IoClient | WsClient> = [];

  const boot = async () => {
    app = await startTestApp({
      ROLE: 'api,discovery,worker',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      THROTTLE_LIMIT_PER_MINUTE: '100000',
    });
    await waitFor(async () => sim.control.stats().ws.subscriptions >= 2, 20000);
    const io = await IoClient.connect(app.url, { only: ours });
    const ws = await WsClient.connect(app.url, { only: ours });
    clients.push(io, ws);
    return { io, ws };
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 15, traders: 10, coins: ['BTC', 'ETH'], tradeRate: 0 });
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  const ioEvents = (io: IoClient, trader: string) => io.of('trade_event').filter((e) => e.trader_address === trader);
  const wsEvents = (ws: WsClient, trader: string) => ws.of('trade_event').filter((e) => e.trader_address === trader);

  /** Open, increase, decrease, flip, close from a never-seen trader: each one event, at both clients. */
  async function lifeOfANewTrader(io: IoClient, ws: WsClient): Promise<string> {
    const trader = randomAddress();
    const other = randomAddress();
    ours.add(trader);
    const steps = [
      { buy: true, sz: '0.25', type: 'position_opened', previous: '0', current: '0.25', change: '0.25', side: 'long' },
      { buy: true, sz: '0.5', type: 'position_increased', previous: '0.25', current: '0.75', change: '0.5', side: 'long' },
      { buy: false, sz: '0.25', type: 'position_decreased', previous: '0.75', current: '0.5', change: '-0.25', side: 'long' },
      { buy: false, sz: '1.25', type: 'position_flipped', previous: '0.5', current: '-0.75', change: '-1.25', side: 'short' },
      { buy: true, sz: '0.75', type: 'position_closed', previous: '-0.75', current: '0', change: '0.75', side: 'short' },
    ];
    for (const [i, step] of steps.entries()) {
      const tradedAt = Date.now();
      sim.control.trade({ coin: 'BTC', buyer: step.buy ? trader : other, seller: step.buy ? other : trader, sz: step.sz });
      // The first one waits for the trader's first snapshot (queued first); the rest come from the stream.
      const [viaIo, viaWs] = await Promise.all([
        waitFor(async () => ioEvents(io, trader)[i], 20000, 20),
        waitFor(async () => wsEvents(ws, trader)[i], 20000, 20),
      ]);
      for (const e of [viaIo, viaWs]) {
        expect(e.event_type).toBe(step.type);
        expect(e.details).toMatchObject({
          coin: 'BTC',
          previous_size: step.previous,
          current_size: step.current,
          size_change: step.change,
          side: step.side,
          source: 'stream',
        });
      }
      expect(viaWs.id).toBe(viaIo.id);
      if (i === 0) expect(Date.now() - tradedAt).toBeLessThan(15000);
    }
    // Exactly once each, in order (nothing more arrives).
    await new Promise((r) => setTimeout(r, 1500));
    expect(ioEvents(io, trader).map((e) => e.event_type)).toEqual(steps.map((s) => s.type));
    expect(wsEvents(ws, trader).map((e) => e.event_type)).toEqual(steps.map((s) => s.type));
    await expectListed(trader, ioEvents(io, trader).map((e) => e.id));
    return trader;
  }

  /** `/api/v1/events` and the legacy `/traders/{id}/events` list exactly the events the clients got. */
  async function expectListed(trader: string, ids: number[]): Promise<void> {
    const byTrader = await request(app.url).get(`/traders/${trader}/events?limit=50`).expect(200);
    expect(byTrader.body.items.map((e: { id: number }) => e.id)).toEqual([...ids].reverse());
    const all = await request(app.url).get('/api/v1/events?limit=500').expect(200);
    const listed = all.body.items.filter((e: { trader_address: string }) => e.trader_address === trader).map((e: { id: number }) => e.id);
    expect(listed).toEqual([...ids].reverse());
  }

  it('a never-seen trader: opened (first sight), increased, decreased, flipped, closed, each once, in order, at both clients', async () => {
    const { io, ws } = await boot();
    const trader = await lifeOfANewTrader(io, ws);
    const { rows } = await withClient(db.url, (c) =>
      c.query<{ n: string }>(`SELECT count(*) AS n FROM trade_events WHERE trader_address = $1`, [trader]),
    );
    expect(Number(rows[0].n)).toBe(5);
  });

  it('a trader first seen by its close (opened before the app saw it): position_closed with the size it had', async () => {
    const [io, ws] = clients.slice(-2) as [IoClient, WsClient];
    const trader = randomAddress();
    const other = randomAddress();
    ours.add(trader);
    sim.control.setPosition({ user: trader, coin: 'ETH', szi: '-3.5', entryPx: 3000 });
    sim.control.trade({ coin: 'ETH', buyer: trader, seller: other, sz: '3.5' });
    const [viaIo, viaWs] = await Promise.all([
      waitFor(async () => ioEvents(io, trader)[0], 20000, 20),
      waitFor(async () => wsEvents(ws, trader)[0], 20000, 20),
    ]);
    for (const e of [viaIo, viaWs]) {
      expect(e.event_type).toBe('position_closed');
      expect(e.details).toMatchObject({ coin: 'ETH', previous_size: '-3.5', current_size: '0', size_change: '3.5', side: 'short', source: 'stream' });
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(ioEvents(io, trader)).toHaveLength(1);
    await expectListed(trader, [viaIo.id]);
  });

  it('the same after a restart with the live state and baselines cleared, and nothing emitted twice', async () => {
    const before = await withClient(db.url, (c) =>
      c.query<{ address: string; n: string }>(`SELECT trader_address AS address, count(*) AS n FROM trade_events GROUP BY 1`),
    );
    for (const c of clients.splice(0)) c.close();
    await app.close();
    await withClient(db.url, (c) =>
      c.query(`TRUNCATE live_baselines, trader_positions, stream_checkpoints; UPDATE traders SET last_tracked_at = NULL, traded_flag_at = NULL`),
    );
    const { io, ws } = await boot();
    await lifeOfANewTrader(io, ws);
    // The earlier traders are baselined again (never tracked now: queued right after new ones), their
    // kept trades replayed onto the same dedupe keys: none of their events is stored or emitted twice.
    const earlier = before.rows.map((r) => r.address);
    await waitFor(async () => {
      const { rows } = await withClient(db.url, (c) =>
        c.query<{ n: string }>(`SELECT count(*) AS n FROM live_baselines b JOIN traders t ON t.id = b.trader_id WHERE t.address = ANY($1)`, [earlier]),
      );
      return Number(rows[0].n) === earlier.length;
    }, 30000);
    await new Promise((r) => setTimeout(r, 1500));
    for (const address of earlier) expect(ioEvents(io, address)).toEqual([]);
    const after = await withClient(db.url, (c) =>
      c.query<{ address: string; n: string }>(`SELECT trader_address AS address, count(*) AS n FROM trade_events GROUP BY 1`),
    );
    const counts = new Map(after.rows.map((r) => [r.address, r.n]));
    for (const r of before.rows) expect(counts.get(r.address)).toBe(r.n);
  });
});
