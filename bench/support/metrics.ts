/**
 * Prometheus text (an app's /metrics) read into numbers: counters and gauges summed over label
 * sets, histogram quantiles from bucket deltas between two scrapes.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const [, k, v] of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of a series over the label sets that match `where`. */
export function metric(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** Cumulative buckets of a histogram: [le, count], ascending, +Inf last. */
export function buckets(samples: Sample[], name: string): Array<[number, number]> {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].sort((a, b) => a[0] - b[0]);
}

/** Bucket deltas between two scrapes (of one process, or summed over several). */
export function bucketDelta(before: Array<[number, number]>, after: Array<[number, number]>): Array<[number, number]> {
  const prev = new Map(before);
  return after.map(([le, n]) => [le, n - (prev.get(le) ?? 0)]);
}

/**
 * Quantile from cumulative buckets, interpolated linearly inside the bucket (as Prometheus's
 * histogram_quantile). NaN when empty; the last finite bound when it falls in +Inf.
 */
export function histogramQuantile(cumulative: Array<[number, number]>, q: number): number {
  const total = cumulative.length ? cumulative[cumulative.length - 1][1] : 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of cumulative) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      const inBucket = count - prevCount;
      return inBucket <= 0 ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Scrapes several processes at once. */
export async function scrapeAll(urls: string[]): Promise<Sample[][]> {
  return Promise.all(urls.map(async (u) => parseMetrics(await (await fetch(`${u}/metrics`)).text())));
}

/**
 * Watches the live engine's leadership: every 5 s, which workers' live_applied_total grew. Only
 * one worker should apply at a time; an interval in which two did means two engines ran at once.
 */
export class LeaderWatch {
  intervals = 0;
  both = 0;
  private readonly last: number[];
  private readonly first: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly workers: Array<{ metrics(): Promise<string> }>) {
    this.last = workers.map(() => NaN);
    this.timer = setInterval(() => void this.sample(), 5000);
    void this.sample();
  }

  private async sample(): Promise<void> {
    const now = await Promise.all(this.workers.map(async (w) => metric(parseMetrics(await w.metrics()), 'live_applied_total')));
    if (this.first.length === 0) this.first.push(...now);
    else {
      const grew = now.filter((n, i) => n > this.last[i]).length;
      this.intervals++;
      if (grew > 1) this.both++;
    }
    now.forEach((n, i) => (this.last[i] = n));
  }

  /** Trades and snapshots applied per worker since the watch started. */
  totals(): number[] {
    return this.last.map((n, i) => n - (this.first[i] ?? n));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
