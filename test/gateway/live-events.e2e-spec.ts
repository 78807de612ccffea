import Redis from 'ioredis';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { IoClient, WsClient } from '../support/live-clients';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TestEvents, TestTrader, testCoin } from '../support/trade-events';

const settle = async (clients: Array<IoClient | WsClient>, events: TestEvents, trader: TestTrader) => {
  // A sentinel every client receives, published after everything else: once all have it, any
  // earlier message (or duplicate) would have arrived too.
  const sentinel = await events.emit(trader, { coin: 'SENTINEL' });
  await waitFor(async () => clients.every((c) => c.tradeIds().includes(sentinel.id)), 5000, 10);
  return sentinel.id;
};

/** Socket.IO /updates and the plain WebSocket against the real api role, events via Redis. */
describe('live events: Socket.IO /updates and plain WebSocket /ws/v1/updates', () => {
  let db: TestDatabase;
  let app: TestApp;
  let events: TestEvents;
  let redisUrl: string;
  const clients: Array<IoClient | WsClient> = [];
  const track = <T extends IoClient | WsClient>(c: T): T => (clients.push(c), c);
  const ioClient = async (opts: { transports?: string[] } = {}) => track(await IoClient.connect(app.url, { only: events.known, ...opts }));
  const wsClient = async () => track(await WsClient.connect(app.url, { only: events.known }));
  const [ETH, BTC, SOL] = [testCoin('ETH'), testCoin('BTC'), testCoin('SOL')];

  beforeAll(async () => {
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redisUrl, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    events = await TestEvents.open(db.url, redisUrl);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await events?.close();
    await app?.close();
    await db?.drop();
  });

  it('greets a Socket.IO client with `connection` {message, timestamp}', async () => {
    const c = await ioClient();
    const hello = c.of('connection')[0];
    expect(hello).toEqual({ message: expect.any(String), timestamp: expect.any(String) });
    expect(new Date(hello.timestamp).toISOString()).toBe(hello.timestamp);
  });

  it('delivers a scripted position change to a Socket.IO client and a plain WebSocket client', async () => {
    const sio = await ioClient();
    const ws = await wsClient();
    expect(ws.received[0]).toMatchObject({ type: 'connection', data: { message: expect.any(String) }, timestamp: expect.any(String) });

    const trader = await events.trader();
    const event = await events.emit(trader, { coin: ETH, previous: '0', current: '2.5', eventType: 'position_opened' });

    const viaIo = await sio.next('trade_event');
    const viaWs = await ws.next('trade_event');
    const expected = {
      id: event.id,
      trader_id: trader.id,
      trader_address: trader.address,
      timestamp: event.timestamp,
      event_type: 'position_opened',
      details: expect.objectContaining({ coin: ETH, previous_size: '0', current_size: '2.5', size_change: '2.5', side: 'long', source: 'stream' }),
    };
    expect(viaIo).toEqual(expected);
    expect(viaWs).toEqual(expected);
    const frame = ws.received.find((m) => m.type === 'trade_event')!;
    expect(Object.keys(frame).sort()).toEqual(['data', 'timestamp', 'type']);
  });

  it('gives a subscribed client only its traders and coins, each event once; others get everything', async () => {
    const [x, y, z] = [await events.trader(), await events.trader(), await events.trader()];
    const all = await ioClient();
    const followsX = await ioClient();
    const followsEth = await ioClient();
    const both = await ioClient();
    const wsFollowsX = await wsClient();

    const upper = x.address.toUpperCase().replace('0X', '0x');
    expect(await followsX.request('subscribe', { traders: [upper] })).toEqual({
      ok: true,
      op: 'subscribe',
      changed: { traders: [x.address], coins: [] },
      following: { traders: 1, coins: 0 },
      all: false,
    });
    // Again: nothing changed, and the reply says so (it never echoes the whole filter).
    expect(await followsX.request('subscribe', { traders: [x.address] })).toMatchObject({ ok: true, changed: { traders: [] }, following: { traders: 1 } });
    await followsEth.request('subscribe', { coins: [ETH] });
    await both.request('subscribe', { traders: [x.address], coins: [ETH] });
    wsFollowsX.send({ type: 'subscribe', data: { traders: [x.address] } });
    expect(await wsFollowsX.next('subscribed')).toEqual({
      op: 'subscribe',
      changed: { traders: [x.address], coins: [] },
      following: { traders: 1, coins: 0 },
      all: false,
    });

    const xBtc = await events.emit(x, { coin: BTC });
    const yEth = await events.emit(y, { coin: ETH });
    const zSol = await events.emit(z, { coin: SOL });
    const xEth = await events.emit(x, { coin: ETH });
    const sentinel = await settle([all], events, z);

    await waitFor(async () => followsX.tradeIds().length >= 2 && both.tradeIds().length >= 3 && wsFollowsX.tradeIds().length >= 2);
    expect(all.tradeIds()).toEqual([xBtc.id, yEth.id, zSol.id, xEth.id, sentinel]);
    expect(followsX.tradeIds()).toEqual([xBtc.id, xEth.id]);
    expect(followsEth.tradeIds()).toEqual([yEth.id, xEth.id]);
    expect(both.tradeIds()).toEqual([xBtc.id, yEth.id, xEth.id]); // xEth matches both rooms: once
    expect(wsFollowsX.tradeIds()).toEqual([xBtc.id, xEth.id]);

    // Unsubscribing everything returns a client to the full feed.
    expect(await followsX.request('unsubscribe', { traders: [x.address] })).toMatchObject({ ok: true, changed: { traders: [x.address] }, all: true });
    const zAgain = await events.emit(z, { coin: SOL });
    expect((await followsX.next('trade_event', 3)).id).toBe(zAgain.id);
  });

  it('answers a bad subscribe with an `error` message and keeps the connection', async () => {
    const c = await ioClient();
    expect(await c.request('subscribe', { traders: ['0x123'] })).toMatchObject({ ok: false, error: expect.stringContaining('traders') });
    expect(await c.next('error')).toEqual({ event: 'subscribe', message: expect.stringContaining('traders') });
    c.socket.emit('subscribe', 'not an object');
    c.socket.emit('subscribe');
    c.socket.emit('unsubscribe', { coins: [{ nested: true }] });
    await c.next('error', 4);
    expect(c.socket.connected).toBe(true);

    const ws = await wsClient();
    ws.send('{not json');
    ws.send({ type: 'subscribe', data: { coins: 'BTC USD' } });
    ws.send({ type: 'launch' });
    await ws.next('error', 3);
    expect(ws.of('error')[1]).toEqual({ event: 'subscribe', message: expect.stringContaining('coins') });
    ws.send({ type: 'ping' });
    await ws.next('pong');
    ws.send({ type: 'subscribe', coins: [BTC] }); // the flat form works too
    expect(await ws.next('subscribed')).toEqual({ op: 'subscribe', changed: { traders: [], coins: [BTC] }, following: { traders: 0, coins: 1 }, all: false });
  });

  it('drops an event id it has already delivered (a re-publish)', async () => {
    const c = await ioClient();
    const ws = await wsClient();
    const trader = await events.trader();
    const event = await events.emit(trader);
    await events.publish(event);
    await events.publish(event);
    await events.emit(trader);
    await settle([c, ws], events, trader);
    expect(c.tradeIds().filter((id) => id === event.id)).toHaveLength(1);
    expect(ws.tradeIds().filter((id) => id === event.id)).toHaveLength(1);
    const metrics = await request(app.url).get('/metrics').expect(200);
    expect(Number(/gateway_duplicate_events_dropped_total\{[^}]*\} (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('ignores malformed channel messages', async () => {
    const c = await ioClient();
    await events.redis.publish('trade_events', '{"garbage":');
    await events.redis.publish('trade_events', JSON.stringify({ id: 'x' }));
    const trader = await events.trader();
    const ok = await events.emit(trader);
    expect((await c.next('trade_event')).id).toBe(ok.id);
    expect(c.tradeIds()).toEqual([ok.id]);
  });

  it('relays leaderboard_updated to every client, subscribed or not', async () => {
    const c = await ioClient();
    await c.request('subscribe', { coins: [BTC] });
    const ws = await wsClient();
    const payload = { computed_at: new Date().toISOString(), count: Math.floor(Math.random() * 1e9) };
    await events.publishLeaderboard(payload);
    const mine = (list: any[]) => list.find((p) => p.count === payload.count);
    expect(await waitFor(async () => mine(c.of('leaderboard_updated')))).toEqual(payload);
    expect(await waitFor(async () => mine(ws.of('leaderboard_updated')))).toEqual(payload);
  });

  it('counts live clients in /api/v1/stats and /metrics', async () => {
    await ioClient();
    await ioClient();
    await wsClient();
    // (waits for the previous tests' clients to be gone)
    const websocket = await waitFor(async () => {
      const res = await request(app.url).get('/api/v1/stats').expect(200);
      return res.body.websocket.active_connections === 3 ? res.body.websocket : null;
    });
    expect(websocket).toMatchObject({ active_connections: 3, api_instances: 1, this_process: { socket_io: 2, websocket: 1 } });
    const metrics = await request(app.url).get('/metrics');
    expect(metrics.text).toMatch(/websocket_active_connections\{[^}]*transport="socket_io"[^}]*\} 2/);
  });

  it('still serves Socket.IO over HTTP long-polling next to the plain WebSocket', async () => {
    const c = await ioClient({ transports: ['polling'] });
    const trader = await events.trader();
    const event = await events.emit(trader);
    expect((await c.next('trade_event')).id).toBe(event.id);
  });

  it('backfills events stored while its Redis subscription was down', async () => {
    const c = await ioClient();
    const trader = await events.trader();
    const admin = new Redis(redisUrl);
    try {
      const db = Number(new URL(redisUrl).pathname.slice(1));
      const list = (await admin.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((l) => l.includes('name=traderscout:subscriber ') && l.includes(` db=${db} `))
        .map((l) => /id=(\d+)/.exec(l)![1]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      const missed = await events.emit(trader, { coin: 'MISSED' }); // published while nobody listens
      expect((await c.next('trade_event', 1, 10000)).id).toBe(missed.id);
      const after = await events.emit(trader);
      expect((await c.next('trade_event', 2, 10000)).id).toBe(after.id);
      expect(c.tradeIds()).toEqual([missed.id, after.id]);
      const metrics = await request(app.url).get('/metrics');
      expect(Number(/gateway_backfilled_events_total\{[^}]*\} (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(1);
    } finally {
      admin.disconnect();
    }
  });
});
