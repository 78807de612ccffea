/**
 * Paces the background generator: every tick it asks for the trades due since the rate was set
 * (rate × elapsed − produced), so fractional and very high rates both come out right on average.
 * A backlog (event loop blocked, rate too high for the machine) is dropped beyond a quarter second.
 */
export class TradePump {
  private rateValue = 0;
  private produced = 0;
  private since = 0;
  private lastTick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tickMs: number,
    /** Runs every tick with the elapsed time and the number of trades due; returns trades made. */
    private readonly onTick: (dtMs: number, due: number) => number,
    private readonly clock: () => number = Date.now,
  ) {}

  get rate(): number {
    return this.rateValue;
  }

  setRate(tradesPerSecond: number): void {
    this.rateValue = tradesPerSecond;
    this.produced = 0;
    this.since = this.clock();
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = this.clock();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    const now = this.clock();
    const dt = now - this.lastTick;
    this.lastTick = now;
    let due = 0;
    if (this.rateValue > 0) {
      const target = Math.floor((this.rateValue * (now - this.since)) / 1000);
      due = target - this.produced;
      const maxBurst = Math.ceil(this.rateValue / 4);
      if (due > maxBurst) {
        this.produced = target - maxBurst;
        due = maxBurst;
      }
    }
    this.produced += this.onTick(dt, Math.max(0, due));
  }
}
