import type { OrderRecord } from '../data/copy.records';
import type { CopyOrdersRepository, NewOrder } from '../data/copy-orders.repository';

/**
 * Coalesces the journal inserts of many followers into one statement: the rows of every caller
 * within one tick go in together (one round trip instead of one per follower), and each caller
 * gets its own rows back, written, before it sends anything.
 */
export class JournalBatcher {
  private pending: Array<{ rows: NewOrder[]; resolve: (r: OrderRecord[]) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly orders: CopyOrdersRepository,
    private readonly maxRows = 2000,
  ) {}

  insert(rows: NewOrder[]): Promise<OrderRecord[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch: typeof this.pending = [];
      let n = 0;
      while (this.pending.length > 0 && n < this.maxRows) {
        const next = this.pending.shift()!;
        batch.push(next);
        n += next.rows.length;
      }
      try {
        const written = await this.orders.insert(batch.flatMap((b) => b.rows));
        const byCloid = new Map(written.map((r) => [r.cloid, r]));
        for (const b of batch) b.resolve(b.rows.map((r) => byCloid.get(r.cloid)!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }
}
