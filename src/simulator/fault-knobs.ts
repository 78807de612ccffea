/** Injected failures and delays of one endpoint (/info or /exchange), set through the control API. */

export interface InjectedFailure {
  status: 429 | 500;
  remaining: number;
  until: number;
  client: string | undefined;
  /** /exchange only: run the action, then fail the answer. */
  afterExecute: boolean;
}

export class FaultKnobs {
  injectedFailures = 0;
  delayed = 0;
  private failure: InjectedFailure | undefined;
  private slow: { delayMs: number; until: number } | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Fail the next `count` requests (default 1 unless `forMs`), or all for `forMs`; optionally one client's. */
  failNext(status: 429 | 500, count: number | undefined, forMs: number | undefined, client: string | undefined, afterExecute = false): void {
    const remaining = count ?? (forMs === undefined ? 1 : Infinity);
    const until = forMs === undefined ? Infinity : this.clock() + forMs;
    this.failure = { status, remaining, until, client, afterExecute };
  }

  slowDown(delayMs: number, forMs: number | undefined): void {
    this.slow = delayMs > 0 ? { delayMs, until: forMs === undefined ? Infinity : this.clock() + forMs } : undefined;
  }

  /** How long to hold the next response (0 = none). */
  currentDelay(): number {
    if (!this.slow) return 0;
    if (this.clock() >= this.slow.until) {
      this.slow = undefined;
      return 0;
    }
    this.delayed++;
    return this.slow.delayMs;
  }

  /** The failure this request of `client` gets, if any (counts it down). */
  take(client: string): InjectedFailure | undefined {
    const f = this.failure;
    if (!f) return undefined;
    if (this.clock() >= f.until || f.remaining <= 0) {
      this.failure = undefined;
      return undefined;
    }
    if (f.client !== undefined && f.client !== client) return undefined;
    f.remaining--;
    return f;
  }

  reset(): void {
    this.injectedFailures = 0;
    this.delayed = 0;
    this.failure = undefined;
    this.slow = undefined;
  }
}
