import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { TradeIngestService } from '../../src/discovery/trade-ingest.service';
import type { WsTrade } from '../../src/hyperliquid/hyperliquid.types';
import { TradeEventsChannel } from '../../src/redis/contracts/trade-events-channel';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { recompute } from '../leaderboard/support';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

const COINS = ['BTC', 'ETH', 'SOL'];
/** Far above the simulator's own tids, so the test's trades never collide with scripted ones. */
let nextTid = 7_000_000_000_000;
const hash = () => `0x${randomBytes(32).toString('hex')}`;

/**
 * Issue 16, items 1–3, against the simulator over a real WebSocket: each poison the exchange could
 * send is rejected at the boundary (counted by reason, never stored) while the normal trades of
 * the same frame are stored; every route keeps answering 2xx and the leaderboard keeps computing.
 * Past the boundary, a row the ledger refuses is dead-lettered and the rest of its batch stored;
 * bad values put straight into the database fail no page, no relay and no generation; a writer
 * that stores nothing while trades wait turns /health/detailed into a 503.
 */
describe('poison: one bad trade never stops the service', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let pg: Client;
  let app: TestApp;
  let redis: Redis;
  let traders: string[];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 16, traders: 40, coins: COINS, tradeRate: 0, replayCount: 0 });
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const testRedis = await createTestRedis();
    redis = new Redis(testRedis.url);
    app = await startTestApp({
      ROLE: 'all',
      DATABASE_URL: db.url,
      REDIS_URL: testRedis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      WS_PING_INTERVAL_SECONDS: '1',
      WS_SILENCE_TIMEOUT_SECONDS: '5',
      DISCOVERY_WRITER_STALL_SECONDS: '5',
      LEADERBOARD_INTERVAL_SECONDS: '3600',
      THROTTLE_LIMIT_PER_MINUTE: '100000',
    });
    traders = sim.control.traders();
    await waitFor(async () => {
      const s = await stream();
      return s?.status === 'up' && s.subscriptions === COINS.length;
    }, 30000);
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    redis?.disconnect();
    await pg?.end();
    await db?.drop();
  });

  async function stream(): Promise<Record<string, any>> {
    const res = await request(app.url).get('/health/detailed');
    return res.body.checks?.hyperliquid_stream;
  }

  async function metric(name: string, labels = ''): Promise<number> {
    const text = (await request(app.url).get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /** A trade the exchange could send: two of the simulator's traders, now. */
  function normal(coin = 'BTC', i = 0): Record<string, unknown> {
    const buyer = traders[(nextTid + i) % traders.length];
    const seller = traders[(nextTid + i + 1) % traders.length];
    return { coin, side: 'B', px: '101.5', sz: '2', time: Date.now(), hash: hash(), tid: nextTid++, users: [buyer, seller] };
  }

  const storedTids = async (tids: unknown[]) =>
    Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM fills WHERE tid = ANY($1::bigint[])', [tids.map(String)])).rows[0].n);

  async function everyRouteAnswers2xx(address: string): Promise<void> {
    const routes = [
      '/api/v1/traders',
      '/api/v1/traders?limit=100',
      '/traders',
      '/health/traders',
      '/api/v1/stats',
      '/api/v1/events',
      '/api/v1/events?limit=200',
      '/api/v1/leaderboard',
      '/leaderboard',
      `/api/v1/traders/${address}`,
      `/api/v1/traders/${address}/positions`,
      `/api/v1/traders/${address}/events`,
      `/api/v1/traders/${address}/history`,
      `/traders/${address}/events`,
    ];
    for (const route of routes) {
      const res = await request(app.url).get(route);
      if (res.status >= 300) throw new Error(`${route} answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
  }

  it('stores normal trades', async () => {
    const data = [normal('BTC'), normal('BTC', 1)];
    sim.control.sendFrame({ coin: 'BTC', frame: { channel: 'trades', data } });
    await waitFor(async () => (await storedTids(data.map((t) => t.tid))) === 2, 15000);
  });

  const users = () => [traders[0], traders[0].toUpperCase().replace('0X', '0x')];
  it.each<[string, () => Record<string, unknown>, string]>([
    ['a time in year 287168', () => ({ time: 9_000_000_000_000_000 }), 'time'],
    ['a 1969 time', () => ({ time: -86_400_000 }), 'time'],
    ['a 33-character coin', () => ({ coin: 'A'.repeat(33) }), 'coin'],
    ['a 67-character hash', () => ({ hash: `0x${'a'.repeat(65)}` }), 'hash'],
    ['a NUL byte in the coin', () => ({ coin: 'BTC\u0000' }), 'coin'],
    ['a NUL byte in the hash', () => ({ hash: `0x${'b'.repeat(63)}\u0000` }), 'hash'],
    ['px 1e400', () => ({ px: '1e400' }), 'px'],
    ['px 1e308', () => ({ px: '1e308' }), 'px'],
    ['a negative price', () => ({ px: '-101.5' }), 'px'],
    ['a zero size', () => ({ sz: '0' }), 'sz'],
    ['a negative size', () => ({ sz: '-2' }), 'sz'],
    ['buyer = seller', () => ({ users: users() }), 'self_trade'],
    ['an HTML coin not in meta', () => ({ coin: '<img src=x onerror=alert(1)>' }), 'coin'],
  ])('%s: rejected and counted, the normal trades around it stored, every route 2xx', async (_name, poison, reason) => {
    const labels = `reason="${reason}"`;
    const rejectedBefore = await metric('discovery_trades_rejected_total', labels);
    const before = normal('BTC');
    const bad = { ...normal('BTC', 2), ...poison() };
    const after = normal('BTC', 4);
    expect(sim.control.sendFrame({ coin: 'BTC', frame: { channel: 'trades', data: [before, bad, after] } })).toBe(1);
    await waitFor(async () => (await storedTids([before.tid, after.tid])) === 2, 15000);
    expect(await storedTids([bad.tid])).toBe(0);
    await waitFor(async () => (await metric('discovery_trades_rejected_total', labels)) === rejectedBefore + 1, 5000);
    const s = await stream();
    expect(s).toMatchObject({ status: 'up', writer_stalled: false });
    await everyRouteAnswers2xx((before.users as string[])[0]);
  });

  it('stored nothing of any poison, and the leaderboard keeps computing', async () => {
    const { rows } = await pg.query(
      `SELECT coin, px::text, sz::text FROM fills
        WHERE coin <> ALL($1) OR px <= 0 OR sz <= 0 OR px >= 1e15 OR time > now() + interval '1 hour' OR time < now() - interval '1 day' OR buyer = seller`,
      [COINS],
    );
    expect(rows).toEqual([]);
    const generation = await recompute(redis, pg, 60000);
    expect(generation.trader_count).toBeGreaterThan(0);
    const board = await request(app.url).get('/api/v1/leaderboard');
    expect(board.status).toBe(200);
  });

  it('past the boundary: a row the ledger refuses is dead-lettered, the rest of its batch stored, ingestion goes on', async () => {
    const ingest = app.app.get(TradeIngestService);
    const good = [normal('ETH'), normal('ETH', 1), normal('SOL', 2)].map(asWsTrade);
    const refused = [
      { ...asWsTrade(normal('ETH', 3)), coin: 'C'.repeat(33) }, // varchar(32): 22001
      { ...asWsTrade(normal('ETH', 4)), hash: `0x${'d'.repeat(65)}` }, // varchar(66): 22001
      { ...asWsTrade(normal('ETH', 5)), coin: 'ETH\u0000' }, // NUL in text: 22021
    ];
    const lettersBefore = await metric('discovery_trades_dead_lettered_total');
    ingest.accept([good[0], refused[0], good[1], refused[1], refused[2], good[2]]);
    await waitFor(async () => (await storedTids(good.map((t) => t.tid))) === 3, 15000);
    const letters = await waitFor(async () => {
      const { rows } = await pg.query<{ payload: string; error: string; sqlstate: string }>(
        `SELECT payload, error, sqlstate FROM fill_dead_letters WHERE payload LIKE ANY($1) ORDER BY id`,
        [refused.map((t) => `%"tid":${t.tid}%`)],
      );
      return rows.length === 3 ? rows : null;
    }, 15000);
    expect(letters.map((l) => JSON.parse(l.payload).tid).sort()).toEqual(refused.map((t) => t.tid).sort());
    expect(letters.map((l) => l.sqlstate).sort()).toEqual(['22001', '22001', '22021']);
    expect(await metric('discovery_trades_dead_lettered_total')).toBe(lettersBefore + 3);
    expect(await metric('discovery_batches_bisected_total')).toBeGreaterThanOrEqual(1);
    // The live engine (the trades went to it before the ledger) skipped them rather than fail its commits.
    await waitFor(async () => (await metric('live_applied_total', 'kind="refused_trade"')) >= 3, 15000);
    // The writer is not stuck on them: the next trades from the stream are stored, and applied live.
    const appliedBefore = await metric('live_applied_total', 'kind="trade"');
    const next = [normal('SOL'), normal('SOL', 1)];
    sim.control.sendFrame({ coin: 'SOL', frame: { channel: 'trades', data: next } });
    await waitFor(async () => (await storedTids(next.map((t) => t.tid))) === 2, 15000);
    await waitFor(async () => (await metric('live_applied_total', 'kind="trade"')) >= appliedBefore + 2, 15000);
    expect((await stream()).writer_stalled).toBe(false);
  });

  it('defence in depth: bad values put straight into the database fail no page, no relay and no generation', async () => {
    const victim = traders[7];
    const seed = normal('BTC', 7);
    seed.users = [victim, traders[8]];
    sim.control.sendFrame({ coin: 'BTC', frame: { channel: 'trades', data: [seed] } });
    await waitFor(async () => (await storedTids([seed.tid])) === 1, 15000);
    const { rows: [t] } = await pg.query<{ id: string }>('SELECT id FROM traders WHERE address = $1', [victim]);
    const other = traders[9];
    await pg.query(
      `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash) VALUES
         ('BTC', $1, $3, $4, 1e400, 1, 'B', now() - interval '1 minute', $5),
         ('BTC', $2, $3, $4, 100, 1, 'B', to_timestamp(9000000000000), $5),
         ('ETH', $1, $3, $4, 100, 0, 'A', to_timestamp(-86400), $5)`,
      [String(nextTid++), String(nextTid++), victim, other, hash()],
    );
    await pg.query(`UPDATE traders SET first_seen_at = to_timestamp(9000000000000), account_value = 1e400 WHERE id = $1`, [t.id]);
    await pg.query(
      `INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at) VALUES ($1, 'BTC', 1e400, 1e400, to_timestamp(9000000000000))
       ON CONFLICT (trader_id, coin) DO UPDATE SET szi = EXCLUDED.szi, updated_at = EXCLUDED.updated_at`,
      [t.id],
    );
    await pg.query(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos) VALUES
         ($1, now() - interval '2 minutes', 1e400, 1e400), ($1, to_timestamp(9000000000000), 5, 5)`,
      [t.id],
    );
    await pg.query(
      `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, closed_pnl, fee, source)
       VALUES ($1, 'BTC', $2, now() - interval '3 minutes', 'A', 1e400, 1e400, 1e400, 1e400, 'exchange')`,
      [t.id, String(nextTid++)],
    );
    // Events left for the relay: one with an unreadable time, then a legitimate one behind it.
    const sub = new Redis(redis.options);
    const seen: Array<{ id: number; timestamp: string | null }> = [];
    await sub.subscribe(TradeEventsChannel.channel);
    sub.on('message', (_channel: string, message: string) => seen.push(JSON.parse(message)));
    try {
      const details = JSON.stringify({ coin: 'BTC', previous_size: '0', current_size: '1', size_change: '1', side: 'long', entry_price: '100', source: 'snapshot' });
      const { rows: events } = await pg.query<{ id: string }>(
        `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key, created_at) VALUES
           ($1, $2, 'BTC', 'position_opened', 'snapshot', to_timestamp(9000000000000), $3, $4, now() - interval '1 minute'),
           ($1, $2, 'BTC', 'position_increased', 'snapshot', now(), $3, $5, now() - interval '1 minute')
         RETURNING id`,
        [t.id, victim, details, `poison-${nextTid++}`, `poison-${nextTid++}`],
      );
      const ids = events.map((e) => Number(e.id));
      await everyRouteAnswers2xx(victim);
      const detail = await request(app.url).get(`/api/v1/traders/${victim}`);
      expect(detail.body.first_seen_at).toBeNull();
      const page = await request(app.url).get(`/api/v1/traders/${victim}/events`);
      expect(page.body.items.find((e: { id: number }) => e.id === ids[0]).timestamp).toBeNull();
      // The relay publishes both (the bad one's time as null) and marks them.
      await waitFor(async () => ids.every((id) => seen.some((e) => e.id === id)), 20000);
      await waitFor(async () => {
        const { rows } = await pg.query('SELECT id FROM trade_events WHERE id = ANY($1) AND published_at IS NOT NULL', [ids]);
        return rows.length === 2;
      }, 10000);
      // A generation over all of it completes, and the board is served.
      const generation = await recompute(redis, pg, 60000);
      expect(generation.trader_count).toBeGreaterThan(0);
      expect((await request(app.url).get('/api/v1/leaderboard?window=all')).status).toBe(200);
    } finally {
      sub.disconnect();
    }
  });

  it('a writer that stores nothing while trades wait makes /health/detailed 503, then recovers', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    const held = [normal('ETH'), normal('ETH', 1)];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE fills IN ACCESS EXCLUSIVE MODE');
      sim.control.sendFrame({ coin: 'ETH', frame: { channel: 'trades', data: held } });
      const res = await waitFor(async () => {
        const r = await request(app.url).get('/health/detailed');
        return r.status === 503 && r.body.checks.hyperliquid_stream.writer_stalled === true ? r : null;
      }, 30000);
      expect(res.body.checks.hyperliquid_stream.status).toBe('down');
      expect(res.body.checks.hyperliquid_stream.buffer_depth).toBeGreaterThanOrEqual(2);
      expect(res.body.checks.database.status).toBe('up');
    } finally {
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
    await waitFor(async () => (await storedTids(held.map((t) => t.tid))) === 2, 20000);
    await waitFor(async () => {
      const s = await stream();
      return s.writer_stalled === false && s.status === 'up';
    }, 20000);
  });
});

function asWsTrade(raw: Record<string, unknown>): WsTrade {
  const [buyer, seller] = raw.users as string[];
  return {
    coin: raw.coin as string,
    side: raw.side as 'A' | 'B',
    px: raw.px as string,
    sz: raw.sz as string,
    hash: raw.hash as string,
    time: raw.time as number,
    tid: raw.tid as number,
    buyer,
    seller,
  };
}
