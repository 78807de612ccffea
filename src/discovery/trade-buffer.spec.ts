import { TradeBuffer } from './trade-buffer';

describe('TradeBuffer', () => {
  it('keeps FIFO order and releases exactly the flushed batch', () => {
    const b = new TradeBuffer<number>(10);
    b.push([1, 2, 3, 4]);
    const { seq, items } = b.peek(3);
    expect(items).toEqual([1, 2, 3]);
    b.push([5]);
    b.release(seq, items.length);
    expect(b.peek(10).items).toEqual([4, 5]);
    expect(b.size).toBe(2);
  });

  it('drops the oldest past capacity and counts them', () => {
    const b = new TradeBuffer<number>(3);
    expect(b.push([1, 2, 3, 4, 5])).toBe(2);
    expect(b.peek(10).items).toEqual([3, 4, 5]);
    expect(b.dropped).toBe(2);
  });

  it('a release after drops overtook the batch only removes what is still held', () => {
    const b = new TradeBuffer<number>(4);
    b.push([1, 2, 3, 4]);
    const batch = b.peek(2); // [1, 2] in flight
    b.push([5, 6, 7]); // drops 1, 2, 3
    expect(b.peek(10).items).toEqual([4, 5, 6, 7]);
    b.release(batch.seq, batch.items.length); // nothing of [1, 2] is held any more
    expect(b.peek(10).items).toEqual([4, 5, 6, 7]);
    const next = b.peek(3);
    b.release(next.seq, 3);
    expect(b.peek(10).items).toEqual([7]);
  });

  it('stays correct across compaction with many items', () => {
    const b = new TradeBuffer<number>(1_000_000);
    const all = Array.from({ length: 20_000 }, (_, i) => i);
    b.push(all);
    let expected = 0;
    while (b.size > 0) {
      const { seq, items } = b.peek(777);
      expect(items[0]).toBe(expected);
      expected += items.length;
      b.release(seq, items.length);
    }
    expect(expected).toBe(20_000);
  });

  it('peeks a later batch by sequence number while an earlier one is in flight', () => {
    const b = new TradeBuffer<number>(100);
    b.push([1, 2, 3, 4, 5]);
    const first = b.peek(2);
    const second = b.peekAt(first.seq + first.items.length, 2);
    expect(second).toEqual({ seq: 2, items: [3, 4] });
    expect(b.endSeq).toBe(5);
    b.release(first.seq, 2);
    b.release(second.seq, 2);
    expect(b.peek(10).items).toEqual([5]);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new TradeBuffer(0)).toThrow(/capacity/);
  });
});
