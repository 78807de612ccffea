import { OrderedFlushes } from './ordered-flushes';
import { TradeBuffer } from './trade-buffer';

interface Deferred {
  items: number[];
  resolve: () => void;
  reject: (err: Error) => void;
}

function harness(maxInFlight: number) {
  const buffer = new TradeBuffer<number>(1000);
  const calls: Deferred[] = [];
  const handed: number[][] = [];
  const failures: unknown[] = [];
  const flushes = new OrderedFlushes<number, number>(buffer, {
    maxInFlight,
    write: (items, onPart) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ items, resolve: () => (onPart(items.length), resolve()), reject });
      }),
    onWritten: (items) => handed.push(items),
    onFailed: (err) => failures.push(err),
  });
  return { buffer, calls, handed, failures, flushes };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('OrderedFlushes', () => {
  it('keeps two batches in flight and hands them on in buffer order even when the second finishes first', async () => {
    const h = harness(2);
    h.buffer.push([1, 2, 3, 4, 5, 6, 7]);
    h.flushes.pump(3, false);
    expect(h.calls.map((c) => c.items)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(h.flushes.unsent).toBe(1);
    h.calls[1].resolve();
    await tick();
    expect(h.handed).toEqual([]);
    expect(h.buffer.size).toBe(7);
    h.calls[0].resolve();
    await tick();
    expect(h.handed).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(h.buffer.peek(10).items).toEqual([7]);
    h.flushes.pump(3, true);
    expect(h.calls[2].items).toEqual([7]);
  });

  it('holds later successes behind a failed batch and retries it whole', async () => {
    const h = harness(2);
    h.buffer.push([1, 2, 3, 4]);
    h.flushes.pump(2, false);
    h.calls[0].reject(new Error('connection lost'));
    h.calls[1].resolve();
    await h.flushes.settled();
    expect(h.failures).toHaveLength(1);
    expect(h.handed).toEqual([]);
    h.flushes.pump(2, true); // no new batch while one failed
    expect(h.calls).toHaveLength(2);
    h.flushes.retry();
    expect(h.calls[2].items).toEqual([1, 2]);
    h.calls[2].resolve();
    await tick();
    expect(h.handed).toEqual([[1, 2], [3, 4]]);
    expect(h.buffer.size).toBe(0);
  });

  it('with one in flight behaves as a plain sequential flush', async () => {
    const h = harness(1);
    h.buffer.push([1, 2, 3]);
    h.flushes.pump(2, true);
    expect(h.calls).toHaveLength(1);
    h.calls[0].resolve();
    await tick();
    h.flushes.pump(2, true);
    expect(h.calls[1].items).toEqual([3]);
  });
});
