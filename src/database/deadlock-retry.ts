const DEADLOCK = '40P01';

/** Retries a transaction Postgres chose as a deadlock victim (it rolled back whole: safe to redo). */
export async function withDeadlockRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== DEADLOCK || i >= attempts) throw err;
    }
  }
}
