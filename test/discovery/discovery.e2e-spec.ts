import Decimal from 'decimal.js';
import Redis from 'ioredis';
import request from 'supertest';
import { TrackingSignals } from '../../src/redis/contracts/tracking-signals';
import { TradesStream, decodeTradesEntry } from '../../src/redis/contracts/trades-stream';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TcpProxy } from '../support/tcp-proxy';

const COINS = ['BTC', 'ETH', 'SOL'];

/**
 * Discovery against the simulator over real WebSocket and HTTP: every scripted trade lands in the
 * ledger exactly once and every party in `traders`, across a dropped connection, a stalled socket,
 * garbage frames and a 20 s Postgres outage; ledger volume per trader equals the simulator's.
 */
describe('discovery: trade stream → traders + fills ledger', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  let appEnv: Record<string, string>;
  let redis: Redis;
  let scripted = 0;
  let rngState = 42;
  const rand = () => ((rngState = (rngState * 1103515245 + 12345) % 2147483648) / 2147483648);

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, traders: 60, coins: COINS, tradeRate: 0, replayCount: 10 });
    db = await createTestDatabase();
    proxy = new TcpProxy('127.0.0.1', 5432);
    const port = await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(port);
    const testRedis = await createTestRedis();
    redis = new Redis(testRedis.url);
    appEnv = {
      ROLE: 'discovery',
      DATABASE_URL: viaProxy.toString(),
      REDIS_URL: testRedis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      WS_PING_INTERVAL_SECONDS: '1',
      WS_SILENCE_TIMEOUT_SECONDS: '2',
    };
    app = await startTestApp(appEnv);
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await sim?.close();
    redis?.disconnect();
    await db?.drop();
  });

  async function stream(): Promise<Record<string, any>> {
    const res = await request(app.url).get('/health/detailed');
    return res.body.checks.hyperliquid_stream;
  }

  function scriptTrades(n: number): void {
    const traders = sim.control.traders();
    for (let i = 0; i < n; i++) {
      const buyer = traders[Math.floor(rand() * traders.length)];
      let seller = traders[Math.floor(rand() * traders.length)];
      if (seller === buyer) seller = traders[(traders.indexOf(buyer) + 1) % traders.length];
      const coin = COINS[i % COINS.length];
      sim.control.trade({ coin, buyer, seller, sz: coin === 'BTC' ? '0.01' : '1.5', takerSide: rand() < 0.5 ? 'B' : 'A' });
      scripted++;
    }
  }

  /** Trades on the live engine's stream. */
  async function streamedTrades(): Promise<number> {
    const entries = await redis.xrange(TradesStream.key, '-', '+');
    return entries.reduce((n, [, fields]) => n + decodeTradesEntry(fields).length, 0);
  }

  /** discovery_live_handoff_trades_total by result, from an app's /metrics. */
  async function handoffCounts(a: TestApp): Promise<{ fresh: number; duplicate: number }> {
    const text = (await request(a.url).get('/metrics')).text;
    const value = (result: string) => Number(new RegExp(`discovery_live_handoff_trades_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { fresh: value('fresh'), duplicate: value('duplicate') };
  }

  const ledgerCount = () =>
    withClient(db.url, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM fills')).then((r) => Number(r.rows[0].n));
  const waitForLedger = (n: number, ms = 15000) => waitFor(async () => (await ledgerCount()) === n, ms);
  const subscribedAfter = (reconnects: number) =>
    waitFor(async () => {
      const s = await stream();
      return s.status === 'up' && s.subscriptions === COINS.length && s.reconnects > reconnects ? s : null;
    }, 20000);

  it('subscribes to every listed perp and reports the stream healthy', async () => {
    const s = await waitFor(async () => {
      const v = await stream();
      return v?.status === 'up' && v.subscriptions === COINS.length ? v : null;
    }, 20000);
    expect(s).toMatchObject({ connected: true, markets: COINS.length, reconnects: 0 });
    expect(sim.control.stats().requestsByType.meta).toBeGreaterThanOrEqual(1);
  });

  it('stores scripted trades and their parties', async () => {
    scriptTrades(200);
    await waitForLedger(scripted);
  });

  it('survives a dropped connection (the replay after resubscribe is deduplicated)', async () => {
    const before = (await stream()).reconnects;
    sim.control.dropAllSockets();
    await subscribedAfter(before);
    scriptTrades(100);
    await waitForLedger(scripted);
  });

  it('treats a stalled socket as dead and reconnects', async () => {
    const before = (await stream()).reconnects;
    sim.control.stallSockets(6000);
    await subscribedAfter(before);
    scriptTrades(100);
    await waitForLedger(scripted);
  });

  it('counts garbage frames without dying', async () => {
    sim.control.sendMalformed(5);
    scriptTrades(50);
    await waitForLedger(scripted);
    const s = await stream();
    expect(s.malformed_frames).toBeGreaterThanOrEqual(5);
    expect(s.status).toBe('up');
    const metrics = await request(app.url).get('/metrics');
    expect(metrics.text).toMatch(/discovery_malformed_frames_total\{[^}]*\} ([5-9]|\d\d+)/);
  });

  it('buffers through a 20 s Postgres outage and flushes when it returns; the live stream does not wait for it', async () => {
    await proxy.cut();
    const outageStart = Date.now();
    const streamedBefore = await streamedTrades();
    scriptTrades(300);
    await waitFor(async () => (await streamedTrades()) === streamedBefore + 300, 5000);
    // /health/detailed still answers (503, database down) and the stream check shows the backlog.
    const s = await waitFor(async () => {
      const v = await stream();
      return v.buffer_depth >= 300 ? v : null;
    }, 10000);
    expect(s.status).toBe('up');
    expect(await ledgerCount()).toBe(scripted - 300);
    await new Promise((r) => setTimeout(r, Math.max(0, 20000 - (Date.now() - outageStart))));
    await proxy.restore();
    await waitForLedger(scripted, 30000);
  });

  it('holds every trade exactly once, every party, and the simulator volume per trader', async () => {
    const truth = sim.control.truth().filter((t) => t.tradesCount > 0);
    const { rows } = await withClient(db.url, (c) =>
      c.query<{ address: string; volume: string; n: string }>(`
        SELECT address, sum(px * sz)::text AS volume, count(*) AS n FROM (
          SELECT buyer AS address, px, sz FROM fills UNION ALL SELECT seller, px, sz FROM fills
        ) p GROUP BY address`),
    );
    const ledger = new Map(rows.map((r) => [r.address, r]));
    expect(await ledgerCount()).toBe(scripted);
    expect(ledger.size).toBe(truth.length);
    for (const t of truth) {
      const row = ledger.get(t.address);
      expect(row).toBeDefined();
      expect(new Decimal(row!.volume).equals(new Decimal(t.volumeUsd))).toBe(true);
      expect(Number(row!.n)).toBe(t.tradesCount);
    }
    const traders = await withClient(db.url, (c) =>
      c.query<{ address: string; trades_seen: string }>('SELECT address, trades_seen FROM traders'),
    );
    expect(traders.rows.length).toBe(truth.length);
    for (const r of traders.rows) expect(Number(r.trades_seen)).toBe(Number(ledger.get(r.address)!.n));
  });

  it('hands every stored trade on through Redis (signals for tracking, a stream for live consumers)', async () => {
    const truth = sim.control.truth().filter((t) => t.tradesCount > 0);
    await waitFor(async () => (await redis.zcard(TrackingSignals.traded)) === truth.length, 10000);
    const entries = await redis.xrange(TradesStream.key, '-', '+');
    const streamed = entries.reduce((n, [, fields]) => n + decodeTradesEntry(fields).length, 0);
    expect(streamed).toBe(scripted);
  });

  it('with a second replica on the same stream, every trade reaches the live engine once', async () => {
    const second = await startTestApp(appEnv);
    try {
      await waitFor(async () => {
        const res = await request(second.url).get('/health/detailed');
        return res.body.checks.hyperliquid_stream?.subscriptions === COINS.length;
      }, 15000);
      const [first0, second0] = await Promise.all([handoffCounts(app), handoffCounts(second)]);
      const streamedBefore = await streamedTrades();
      scriptTrades(200);
      // Both replicas received all 200 (each counts it fresh or duplicate)…
      await waitFor(async () => {
        const [a, b] = await Promise.all([handoffCounts(app), handoffCounts(second)]);
        const received = (x: typeof a, x0: typeof a) => x.fresh + x.duplicate - x0.fresh - x0.duplicate;
        return received(a, first0) >= 200 && received(b, second0) >= 200 && (await streamedTrades()) >= streamedBefore + 200;
      }, 15000);
      await new Promise((r) => setTimeout(r, 300)); // anything still in flight
      const [first1, second1] = await Promise.all([handoffCounts(app), handoffCounts(second)]);
      // …and between them passed each on exactly once.
      expect(first1.fresh - first0.fresh + (second1.fresh - second0.fresh)).toBe(200);
      expect(second1.duplicate - second0.duplicate + (first1.duplicate - first0.duplicate)).toBeGreaterThanOrEqual(200);
      expect(await streamedTrades()).toBe(streamedBefore + 200);
      await waitForLedger(scripted);
    } finally {
      await second.close();
    }
  });
});
