import Redis from 'ioredis';
import { BatchedThrottlerStorage } from '../../src/throttle/batched-throttler.storage';
(async () => {
  const mk = async () => { const c = new Redis('redis://127.0.0.1:6387/9'); await c.ping(); return c; };
  const a = new BatchedThrottlerStorage(await mk());
  const b = new BatchedThrottlerStorage(await mk());
  const key = `dbg:${Date.now()}`;
  const log: string[] = [];
  const burst = async (s: BatchedThrottlerStorage, tag: string, n: number, per: number) => {
    let admitted = 0;
    await Promise.all(Array.from({ length: n }, async (_, j) => {
      for (let i = 0; i < per; i++) {
        const now = s.incrementNow(key, 60000, 1000, 60000, 'default');
        const r = now ?? (await s.increment(key, 60000, 1000, 60000, 'default'));
        if (!r.isBlocked) admitted++;
        if (j === 0 && i % 5 === 0) log.push(`${tag}${now ? 'L' : 'R'}${r.totalHits}${r.isBlocked ? 'B' : ''}`);
        if (i % 20 === 0) await new Promise((res) => setImmediate(res));
      }
    }));
    return admitted;
  };
  const [x, y] = await Promise.all([burst(a, 'a', 20, 40), burst(b, 'b', 20, 40)]);
  console.log(x, y, log.join(' '));
  process.exit(0);
})();
