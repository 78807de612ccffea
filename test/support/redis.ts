import Redis from 'ioredis';
import { REDIS_BASE_URL } from './env';

/** A Redis logical database for one test file, flushed first (pub/sub channels are server-wide). */
export async function createTestRedis(): Promise<{ url: string; flush(): Promise<void> }> {
  // 1–13: 14 and 15 are left to benchmarks.
  const db = 1 + Math.floor(Math.random() * 13);
  const url = `${REDIS_BASE_URL}/${db}`;
  const flush = async () => {
    const r = new Redis(url, { lazyConnect: true });
    await r.connect();
    await r.flushdb();
    await r.quit();
  };
  await flush();
  return { url, flush };
}
