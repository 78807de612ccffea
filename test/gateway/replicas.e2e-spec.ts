import request from 'supertest';
import type { Namespace } from 'socket.io';
import { UpdatesGateway } from '../../src/gateway/updates.gateway';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { IoClient, WsClient } from '../support/live-clients';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { TestEvents, testCoin } from '../support/trade-events';

const N = 60;

/**
 * Two api processes on one Postgres and one Redis (with the Socket.IO Redis adapter between
 * them): every client, whichever replica it is connected to, gets every event exactly once.
 */
describe('two api replicas on one Redis', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let events: TestEvents;

  beforeAll(async () => {
    db = await createTestDatabase();
    const redis = await createTestRedis();
    const env = { ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    events = await TestEvents.open(db.url, redis.url);
  });

  afterAll(async () => {
    await events?.close();
    await Promise.all([a?.close(), b?.close()]);
    await db?.drop();
  });

  it('delivers each of N events once to every client of either replica', async () => {
    const only = events.known;
    const [ETH, BTC] = [testCoin('ETH'), testCoin('BTC')];
    const clients = [
      await IoClient.connect(a.url, { only }),
      await IoClient.connect(a.url, { only }),
      await IoClient.connect(b.url, { only }),
      await WsClient.connect(a.url, { only }),
      await WsClient.connect(b.url, { only }),
    ];
    const traders = [await events.trader(), await events.trader(), await events.trader()];
    const followerA = await IoClient.connect(a.url, { only });
    const followerB = await IoClient.connect(b.url, { only });
    await followerA.request('subscribe', { traders: [traders[0].address], coins: [ETH] });
    await followerB.request('subscribe', { traders: [traders[0].address], coins: [ETH] });
    try {
      const published: number[] = [];
      const expectedForFollowers: number[] = [];
      for (let i = 0; i < N; i++) {
        const trader = traders[i % traders.length];
        const coin = i % 2 === 0 ? ETH : BTC;
        const event = await events.emit(trader, { coin });
        published.push(event.id);
        if (trader === traders[0] || coin === ETH) expectedForFollowers.push(event.id);
        if (i % 10 === 0) await events.publish(event); // a re-publish now and then
      }
      await waitFor(async () => clients.every((c) => c.tradeIds().length >= N), 10000, 20);
      // A sentinel round trip: any duplicate would have been sent before it.
      const sentinel = await events.emit(traders[0], { coin: ETH });
      const everyone = [...clients, followerA, followerB];
      await waitFor(async () => everyone.every((c) => c.tradeIds().includes(sentinel.id)), 10000, 20);

      for (const c of clients) expect(c.tradeIds()).toEqual([...published, sentinel.id]);
      for (const f of [followerA, followerB]) expect(f.tradeIds()).toEqual([...expectedForFollowers, sentinel.id]);

      // Both replicas report their clients; either answers for all of them.
      const total = clients.length + 2;
      const stats = await waitFor(async () => {
        const res = await request(a.url).get('/api/v1/stats');
        return res.body.websocket.active_connections === total ? res.body.websocket : null;
      }, 12000, 200);
      expect(stats.api_instances).toBe(2);
    } finally {
      for (const c of [...clients, followerA, followerB]) c.close();
    }
  });

  it('shares rooms across replicas through the Redis adapter', async () => {
    const onA = await IoClient.connect(a.url);
    const onB = await IoClient.connect(b.url);
    try {
      // A room broadcast made on replica A reaches B's socket (the adapter; live events do not use it).
      const server = a.app.get(UpdatesGateway)['nsp'] as Namespace;
      const sockets = await server.in('all').fetchSockets();
      expect(sockets.map((s) => s.id).sort()).toEqual([onA.socket.id, onB.socket.id].sort());
      server.to('all').emit('announcement', { hello: 'cluster' });
      expect(await onB.next('announcement')).toEqual({ hello: 'cluster' });
      expect(await onA.next('announcement')).toEqual({ hello: 'cluster' });
    } finally {
      onA.close();
      onB.close();
    }
  });
});
