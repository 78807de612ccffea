/**
 * REST weights and the per-client rolling-window budget (test/fixtures/PROTOCOL.md).
 *
 * | request                       | weight                                   |
 * |-------------------------------|------------------------------------------|
 * | clearinghouseState, allMids   | 2                                        |
 * | meta, metaAndAssetCtxs        | 20                                       |
 * | portfolio                     | 20                                       |
 * | userFills, userFillsByTime    | 20 + floor(items returned / 20)          |
 * | userFunding                   | 20 + floor(items returned / 20)          |
 * | userRole                      | 60                                       |
 * | orderStatus                   | 2                                        |
 * | batchClearinghouseStates      | 20 + 2 per user beyond the first (ours)  |
 * | anything else                 | 20                                       |
 */

export const DEFAULT_WEIGHT_PER_MINUTE = 1200;
export const DEFAULT_WEIGHT_WINDOW_MS = 60_000;
export const ITEMS_PER_EXTRA_WEIGHT = 20;

const BASE_WEIGHTS: Readonly<Record<string, number>> = {
  clearinghouseState: 2,
  allMids: 2,
  meta: 20,
  metaAndAssetCtxs: 20,
  portfolio: 20,
  userFills: 20,
  userFillsByTime: 20,
  userFunding: 20,
  userRole: 60,
  orderStatus: 2,
  batchClearinghouseStates: 20,
};

const ITEM_WEIGHTED = new Set(['userFills', 'userFillsByTime', 'userFunding']);

/** Weight of one request of `type`; `users` for batch requests, `items` = number of items in the answer. */
export function requestWeight(type: string, opts: { users?: number; items?: number } = {}): number {
  let w = BASE_WEIGHTS[type] ?? 20;
  if (type === 'batchClearinghouseStates') w += 2 * Math.max(0, (opts.users ?? 1) - 1);
  if (ITEM_WEIGHTED.has(type)) w += Math.floor((opts.items ?? 0) / ITEMS_PER_EXTRA_WEIGHT);
  return w;
}

/**
 * Weight consumed in the last `windowMs`, with the maximum ever seen. Entries are kept in a
 * queue with a running sum; a request is admitted only if its whole weight fits.
 */
export class RollingWindow {
  private times: number[] = [];
  private weights: number[] = [];
  private head = 0;
  private sum = 0;
  /** Maximum weight ever held inside one window. */
  max = 0;
  total = 0;
  rejected = 0;

  constructor(private readonly windowMs: number) {}

  private evict(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= cutoff) {
      this.sum -= this.weights[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
  }

  current(now: number): number {
    this.evict(now);
    return this.sum;
  }

  /** Consume `weight` at `now` if the window has room under `limit`; a refused request consumes nothing. */
  tryAdd(now: number, weight: number, limit: number): boolean {
    this.evict(now);
    if (this.sum + weight > limit) {
      this.rejected++;
      return false;
    }
    this.times.push(now);
    this.weights.push(weight);
    this.sum += weight;
    this.total += weight;
    if (this.sum > this.max) this.max = this.sum;
    return true;
  }
}

export interface ClientWeightStats {
  currentWindow: number;
  maxWindow: number;
  rejected429: number;
  totalConsumed: number;
}

/** One rolling window per client (remote IP or `x-sim-client`). */
export class WeightLimiter {
  private readonly windows = new Map<string, RollingWindow>();

  constructor(
    public limitPerMinute: number,
    private readonly windowMs: number = DEFAULT_WEIGHT_WINDOW_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  tryConsume(client: string, weight: number): boolean {
    let w = this.windows.get(client);
    if (!w) {
      w = new RollingWindow(this.windowMs);
      this.windows.set(client, w);
    }
    return w.tryAdd(this.clock(), weight, this.limitPerMinute);
  }

  clientStats(): Record<string, ClientWeightStats> {
    const now = this.clock();
    const out: Record<string, ClientWeightStats> = {};
    for (const [client, w] of this.windows) {
      out[client] = { currentWindow: w.current(now), maxWindow: w.max, rejected429: w.rejected, totalConsumed: w.total };
    }
    return out;
  }

  reset(): void {
    this.windows.clear();
  }
}
