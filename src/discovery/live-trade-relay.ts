import { Logger } from '@nestjs/common';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import type { DiscoveryMetrics } from './discovery.metrics';
import type { LiveTradeHandoff } from './live-trade-handoff';
import { TradeBuffer } from './trade-buffer';

/** The live hand-off waits this long for more trades to share its Redis call. */
const LIVE_BATCH_MS = 20;
const MAX_BATCH = 5000;
const RETRY_MS = 1000;

/**
 * The live path of discovery: buffered trades go to the live engine's stream within ~20 ms, in
 * arrival order, one Redis call per batch; while Redis is down they wait (bounded by the
 * caller's backpressure) and are retried every second.
 */
export class LiveTradeRelay {
  private readonly logger = new Logger(LiveTradeRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private downSince: number | null = null;
  private stopped = false;

  constructor(
    readonly buffer: TradeBuffer<WsTrade>,
    private readonly handoff: LiveTradeHandoff,
    private readonly metrics: DiscoveryMetrics,
    private readonly onReleased: () => void,
  ) {}

  push(trades: WsTrade[]): void {
    this.buffer.push(trades);
    if (!this.timer && !this.flushing) this.schedule(LIVE_BATCH_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Hands on everything buffered now (what a failure leaves stays buffered). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.run();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run().then(() => {
        if (this.buffer.size > 0 && !this.timer) this.schedule(this.downSince !== null ? RETRY_MS : 0);
      });
    }, ms);
  }

  private run(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.size === 0) return Promise.resolve();
    // .finally runs after this assignment even when the drain ends without waiting.
    const run: Promise<void> = this.drain().finally(() => {
      if (this.flushing === run) this.flushing = null;
    });
    this.flushing = run;
    return run;
  }

  private async drain(): Promise<void> {
    while (this.buffer.size > 0) {
      const { seq, items } = this.buffer.peek(MAX_BATCH);
      try {
        const fresh = await this.handoff.send(items);
        this.metrics.liveHandoff.inc({ result: 'fresh' }, fresh);
        this.metrics.liveHandoff.inc({ result: 'duplicate' }, items.length - fresh);
        this.buffer.release(seq, items.length);
        this.onReleased();
        if (this.downSince !== null) {
          this.logger.log({ msg: 'live hand-off resumed', down_ms: Date.now() - this.downSince });
          this.downSince = null;
        }
      } catch (err) {
        if (this.downSince === null) {
          this.downSince = Date.now();
          this.logger.warn({ msg: 'cannot hand trades to the live engine, will retry', error: (err as Error).message, buffered: this.buffer.size });
        }
        return;
      }
    }
  }
}
