import { sleep, withTimeout } from './timers';

describe('sleep', () => {
  it('waits, or rejects with the reason once the signal aborts (at once when it already has)', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    const ac = new AbortController();
    const waiting = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(10_000, ac.signal)).rejects.toThrow('stop');
  });
});

describe('withTimeout', () => {
  it('passes the answer through, or rejects once the time is up', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withTimeout(new Promise(() => undefined), 20)).rejects.toThrow('timed out after 20 ms');
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });
});
