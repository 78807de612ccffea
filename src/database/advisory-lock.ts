import type { DataSource } from 'typeorm';

/**
 * Runs `fn` holding a session advisory lock on one pooled connection (single-replica jobs);
 * resolves null at once when another process holds it. The lock is released before the
 * connection goes back to the pool.
 */
export async function withAdvisoryLock<T>(db: DataSource, key: number, fn: () => Promise<T>): Promise<T | null> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [{ ok }]: Array<{ ok: boolean }> = await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (!ok) return null;
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
