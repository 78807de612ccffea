/**
 * Picks the ledger batch size by measurement: the rate (trades/s of one statement) each candidate
 * size achieved recently (EWMA), the best one used, a neighbour tried every `exploreEvery`
 * batches so a change of load or table size moves the choice. Only batches that were full
 * (a backlog) are measured: a partial batch says nothing about what a full one would do.
 * It starts at the largest size: a backlog (saturation, the catch-up after an outage) is when the
 * size matters, and climbing to it one neighbour per `exploreEvery` batches spent a whole
 * saturation step in small batches, which cost Postgres more per trade (bench:discovery: ~17 ms
 * of backend CPU per 1,000 trades at 1,000 a statement, ~11 ms at 8,000).
 * Under a deep backlog (at least two of the largest batches waiting) it always takes the largest:
 * that is saturation, where the CPU Postgres spends per trade decides the rate, and a statement's
 * timing on a busy machine is too noisy to see it (the choice drifted to ~4,500 a statement
 * under load, at ~14 ms of backend CPU per 1,000 trades).
 */
export class BatchSizer {
  private readonly rates: Array<number | null>;
  private index: number;
  private batches = 0;

  constructor(
    readonly sizes: readonly number[] = [500, 1000, 2000, 4000, 8000],
    private readonly exploreEvery = 16,
    private readonly alpha = 0.3,
    start = sizes.length - 1,
  ) {
    if (sizes.length === 0) throw new Error('sizes must not be empty');
    this.rates = sizes.map(() => null);
    this.index = Math.min(start, sizes.length - 1);
  }

  /** The size of the next full batch, given how many trades wait for one. */
  next(backlog = 0): number {
    const largest = this.sizes[this.sizes.length - 1];
    if (backlog >= 2 * largest) return largest;
    this.batches++;
    if (this.batches % this.exploreEvery === 0) {
      const up = this.index + 1 < this.sizes.length;
      const down = this.index > 0;
      const neighbour = up && (!down || Math.floor(this.batches / this.exploreEvery) % 2 === 0) ? this.index + 1 : this.index - 1;
      if (neighbour >= 0 && neighbour < this.sizes.length) return this.sizes[neighbour];
    }
    return this.sizes[this.index];
  }

  /** Records a statement of `count` trades that took `ms`; full batches only. */
  record(size: number, count: number, ms: number): void {
    const i = this.sizes.indexOf(size);
    if (i < 0 || count < size || ms <= 0) return;
    const rate = (count / ms) * 1000;
    const prev = this.rates[i];
    this.rates[i] = prev === null ? rate : prev + this.alpha * (rate - prev);
    let best = this.index;
    for (let j = 0; j < this.sizes.length; j++) {
      if (this.rates[j] !== null && (this.rates[best] === null || this.rates[j]! > this.rates[best]!)) best = j;
    }
    this.index = best;
  }

  /** The current choice (for metrics and health). */
  get current(): number {
    return this.sizes[this.index];
  }
}
