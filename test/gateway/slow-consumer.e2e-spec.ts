import type { Socket } from 'net';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { IoClient, WsClient } from '../support/live-clients';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TestEvents } from '../support/trade-events';

const metric = (text: string, transport: string): number =>
  Number(new RegExp(`gateway_slow_clients_dropped_total\\{[^}]*transport="${transport}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);

/** A client that stops reading is disconnected instead of growing the server's memory without bound. */
describe('live events: slow consumers', () => {
  let db: TestDatabase;
  let app: TestApp;
  let events: TestEvents;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    events = await TestEvents.open(db.url, redis.url);
  });

  afterAll(async () => {
    await events?.close();
    await app?.close();
    await db?.drop();
  });

  it('drops a Socket.IO and a plain WebSocket client that stop reading, and keeps serving the others', async () => {
    const trader = await events.trader();
    const only = events.known;
    const stalledIo = await IoClient.connect(app.url, { only });
    const stalledWs = await WsClient.connect(app.url, { only });
    const healthy = await IoClient.connect(app.url, { only });
    const stalledSockets: Socket[] = [];
    try {
      // Stop reading: the kernel buffers fill, then the server's.
      stalledSockets.push(
        (stalledIo.socket.io.engine.transport as unknown as { ws: { _socket: Socket } }).ws._socket,
        (stalledWs.ws as unknown as { _socket: Socket })._socket,
      );
      for (const s of stalledSockets) s.pause();

      const base = 9e12 + Math.floor(Math.random() * 1e9);
      const pad = 'x'.repeat(8 * 1024);
      const pipeline = events.redis.pipeline();
      const n = 3000; // ~25 MB per client
      for (let i = 0; i < n; i++) {
        const event = {
          id: base + i,
          trader_id: trader.id,
          trader_address: trader.address,
          timestamp: new Date().toISOString(),
          event_type: 'position_increased',
          details: { coin: 'BTC', previous_size: '1', current_size: '2', size_change: '1', side: 'long', entry_price: '1', source: 'stream', pad },
        };
        pipeline.publish('trade_events', JSON.stringify(event));
      }
      await pipeline.exec();

      await waitFor(async () => healthy.tradeIds().length === n, 20000, 50);
      const text = await waitFor(async () => {
        const res = await request(app.url).get('/metrics');
        return metric(res.text, 'socket_io') >= 1 && metric(res.text, 'websocket') >= 1 ? res.text : null;
      }, 20000, 250);
      expect(metric(text, 'socket_io')).toBe(1);
      expect(metric(text, 'websocket')).toBe(1);
      expect(healthy.socket.connected).toBe(true);
    } finally {
      for (const c of [stalledIo, stalledWs, healthy]) c.close();
      // A paused socket never reads the server's close: destroy it, or it outlives the test run.
      for (const sock of stalledSockets) sock.destroy();
    }
  });
});
