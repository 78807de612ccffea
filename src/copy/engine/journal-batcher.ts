import type { OrderRecord } from '../data/copy.records';
import type { CopyOrdersRepository, NewOrder, OrderOutcome } from '../data/copy-orders.repository';

/**
 * Coalesces the journal inserts of many followers into one statement: the rows of every caller
 * within one tick go in together (one round trip instead of one per follower), and each caller
 * gets its own rows back, written (committed), before it sends anything. Rows about to be sent
 * (`pending`: a live order waits for its row) go in their own statement, issued first, so they
 * never wait behind a thousand paper rows (which nothing waits on).
 */
export class JournalBatcher {
  private pending: Array<{ rows: NewOrder[]; resolve: (r: OrderRecord[]) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private outcomes: Array<{ id: string; outcome: OrderOutcome; resolve: (r: OrderRecord) => void; reject: (e: unknown) => void }> = [];

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

  /** An order's outcome (sent, filled, rejected…), written with those of the other followers in the same tick. */
  resolve(id: string, outcome: OrderOutcome): Promise<OrderRecord> {
    return new Promise((resolve, reject) => {
      this.outcomes.push({ id, outcome, resolve, reject });
      if (this.outcomes.length === 1) setImmediate(() => void this.flushOutcomes());
    });
  }

  private async flushOutcomes(): Promise<void> {
    let left = this.outcomes;
    this.outcomes = [];
    while (left.length > 0) {
      // One statement updates a row once: a second outcome for the same row goes in the next one.
      const ids = new Set<string>();
      const now = left.filter((o) => !ids.has(o.id) && ids.add(o.id));
      left = left.filter((o) => !now.includes(o));
      try {
        const rows = new Map((await this.orders.resolveMany(now.map(({ id, outcome }) => ({ id, outcome })))).map((r) => [r.id, r]));
        for (const o of now) {
          const row = rows.get(o.id);
          if (row) o.resolve(row);
          else o.reject(new Error(`journal row ${o.id} is gone`));
        }
      } catch (err) {
        for (const o of now) o.reject(err);
      }
    }
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    const sends = all.filter((b) => b.rows.some((r) => r.status === 'pending'));
    const rest = all.filter((b) => !b.rows.some((r) => r.status === 'pending'));
    await Promise.all([this.write(sends), this.write(rest)]);
  }

  /** In statements of at most maxRows rows, one after the other. */
  private async write(callers: typeof this.pending): Promise<void> {
    for (let i = 0; i < callers.length; ) {
      const batch: typeof this.pending = [];
      for (let n = 0; i < callers.length && (n === 0 || n + callers[i].rows.length <= this.maxRows); i++) {
        batch.push(callers[i]);
        n += callers[i].rows.length;
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
