import { createTestDatabase, TestDatabase } from '../support/database';
import { IoClient, WsClient } from '../support/live-clients';
import { freePort, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/** The production entry with live clients connected still stops promptly on SIGTERM. */
describe('api role shutdown with live clients', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('closes Socket.IO and plain WebSocket clients and exits 0 within 10 s of SIGTERM', async () => {
    const port = await freePort();
    const redis = await createTestRedis();
    const proc = spawnApp({ ROLE: 'api', PORT: String(port), DATABASE_URL: db.url, REDIS_URL: redis.url, DB_MIGRATE: 'false' });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${url}/health`)).ok, 20000);
      const sio = await IoClient.connect(url);
      const ws = await WsClient.connect(url);
      const sioGone = new Promise<string>((resolve) => sio.socket.once('disconnect', (reason) => resolve(reason)));
      const wsGone = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));

      const started = Date.now();
      proc.child.kill('SIGTERM');
      const exit = await proc.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await sioGone).toEqual(expect.any(String));
      expect(await wsGone).toBe(1001);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});
