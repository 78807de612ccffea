/**
 * A bounded FIFO of trades awaiting persistence. Past `capacity` the oldest are dropped (and
 * counted). Items are addressed by a monotonically increasing sequence number so a flush can take
 * a batch, write it, and then release exactly that batch even if drops happened meanwhile.
 */
export class TradeBuffer<T> {
  private items: T[] = [];
  private head = 0;
  /** Sequence number of items[head]. */
  private headSeq = 0;
  private droppedTotal = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends; returns how many of the oldest items were dropped to stay within capacity. */
  push(batch: readonly T[]): number {
    for (const item of batch) this.items.push(item);
    const over = this.size - this.capacity;
    if (over > 0) {
      this.head += over;
      this.headSeq += over;
      this.droppedTotal += over;
      this.compact();
      return over;
    }
    return 0;
  }

  /** The oldest `max` items without removing them, and the sequence number of the first. */
  peek(max: number): { seq: number; items: T[] } {
    return { seq: this.headSeq, items: this.items.slice(this.head, this.head + max) };
  }

  /** Sequence number one past the newest item. */
  get endSeq(): number {
    return this.headSeq + this.size;
  }

  /** Up to `max` items from sequence number `seq` on (a later batch while earlier ones are in flight). */
  peekAt(seq: number, max: number): { seq: number; items: T[] } {
    const from = Math.max(seq, this.headSeq);
    const start = this.head + (from - this.headSeq);
    return { seq: from, items: this.items.slice(start, start + max) };
  }

  /** Releases the batch that started at `seq` with `count` items (whatever of it is still held). */
  release(seq: number, count: number): void {
    const end = seq + count;
    if (end <= this.headSeq) return;
    const n = Math.min(end - this.headSeq, this.size);
    this.head += n;
    this.headSeq += n;
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
