import { TradeBuffer } from './trade-buffer';

interface InFlight<T, R> {
  seq: number;
  items: T[];
  state: 'running' | 'done' | 'failed';
  /** What the write reported so far (a write that fails half-way keeps the parts it stored). */
  results: R[];
}

export interface OrderedFlushOptions<T, R> {
  /** Batches written at once (each on its own connection). */
  maxInFlight: number;
  /** Writes a batch; reports each part it stored through `onPart`; throws when nothing more can be done now. */
  write: (items: T[], onPart: (result: R) => void) => Promise<void>;
  /** Called once per batch, in buffer order, when it and every batch before it are written. */
  onWritten: (items: T[], results: R[]) => void;
  /** Called when a batch fails (the pipeline stops taking new batches until `retry`). */
  onFailed: (err: unknown) => void;
}

/**
 * Writes the head of a FIFO buffer with up to `maxInFlight` batches in flight while keeping the
 * hand-off order: batches complete in any order, but each is released from the buffer and handed
 * on (`onWritten`) only after every earlier one. A failed batch stays in place and is retried
 * (whole) by `retry()`; the batches after it that succeeded wait for it, so nothing is handed on
 * out of order and nothing is released unwritten.
 */
export class OrderedFlushes<T, R> {
  private readonly inFlight: Array<InFlight<T, R>> = [];
  private idle: Array<() => void> = [];

  constructor(
    private readonly buffer: TradeBuffer<T>,
    private readonly opts: OrderedFlushOptions<T, R>,
  ) {}

  /** Batches started and not yet handed on. */
  get pending(): number {
    return this.inFlight.length;
  }

  get failed(): boolean {
    return this.inFlight.some((f) => f.state === 'failed');
  }

  /** Items in the buffer no batch has taken yet. */
  get unsent(): number {
    const last = this.inFlight[this.inFlight.length - 1];
    return last ? this.buffer.endSeq - (last.seq + last.items.length) : this.buffer.size;
  }

  /** Starts batches of up to `size` while there is room; a partial batch only when `partial`. */
  pump(size: number, partial: boolean): void {
    if (this.failed) return;
    while (this.inFlight.length < this.opts.maxInFlight) {
      const last = this.inFlight[this.inFlight.length - 1];
      const from = last ? last.seq + last.items.length : this.buffer.endSeq - this.buffer.size;
      const { seq, items } = this.buffer.peekAt(from, size);
      if (items.length === 0 || (items.length < size && !partial)) return;
      const entry: InFlight<T, R> = { seq, items, state: 'running', results: [] };
      this.inFlight.push(entry);
      void this.run(entry);
    }
  }

  /** Re-runs the failed batches (in order, all at once: they are at most `maxInFlight`). */
  retry(): void {
    for (const entry of this.inFlight) {
      if (entry.state !== 'failed') continue;
      entry.state = 'running';
      void this.run(entry);
    }
  }

  /** Resolves when no batch is running (done, or failed and waiting for a retry). */
  settled(): Promise<void> {
    if (!this.inFlight.some((f) => f.state === 'running')) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async run(entry: InFlight<T, R>): Promise<void> {
    try {
      await this.opts.write(entry.items, (r) => entry.results.push(r));
      entry.state = 'done';
    } catch (err) {
      entry.state = 'failed';
      this.opts.onFailed(err);
    }
    while (this.inFlight[0]?.state === 'done') {
      const head = this.inFlight.shift()!;
      this.buffer.release(head.seq, head.items.length);
      this.opts.onWritten(head.items, head.results);
    }
    if (!this.inFlight.some((f) => f.state === 'running')) {
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}
