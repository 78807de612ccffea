import { createServer } from 'net';
import { sleep } from '../../src/common/timers';

/** The one sleep (src/common/timers.ts), for tests, benches and drills: prefer `waitFor` where a condition will do. */
export { sleep };

/**
 * Polls `fn` every `stepMs` until it gives a truthy value (returned), or fails after `timeoutMs`
 * with `what` and the last error `fn` threw (a throw counts as "not yet").
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15000,
  stepMs = 100,
  what?: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(stepMs);
  }
  throw new Error(`waitFor${what ? ` ${what}` : ''} timed out after ${timeoutMs} ms${lastErr ? `: ${String(lastErr)}` : ''}`);
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
