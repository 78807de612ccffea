import Redis from 'ioredis';
import { REDIS_BASE_URL } from './env';

/** A Redis logical database for one test file, flushed first (pub/sub channels are server-wide). */
export async function createTestRedis(): Promise<{ url: string; flush(): Promise<void> }> {
  const db = 1 + Math.floor(Math.random() * 15);
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
