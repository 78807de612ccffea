import type { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { TradeRejection, TradeRejectionReason } from '../hyperliquid/hyperliquid.types';

/** At most one log line per reason in this window, carrying a sample and the count since the last. */
const SAMPLE_EVERY_MS = 10_000;

/**
 * Stream trades refused at the boundary: every one counted by reason, a sample of each reason
 * logged at most every SAMPLE_EVERY_MS (a flood of poison costs one line per reason, not one per trade).
 */
export class TradeRejectionLog {
  private readonly lastLogged = new Map<TradeRejectionReason, number>();
  private readonly unlogged = new Map<TradeRejectionReason, number>();

  constructor(
    private readonly counter: Counter<'reason'>,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly clock: () => number = Date.now,
  ) {}

  record(rejections: readonly TradeRejection[]): void {
    const now = this.clock();
    for (const r of rejections) {
      this.counter.inc({ reason: r.reason });
      const count = (this.unlogged.get(r.reason) ?? 0) + 1;
      if (now - (this.lastLogged.get(r.reason) ?? -Infinity) < SAMPLE_EVERY_MS) {
        this.unlogged.set(r.reason, count);
        continue;
      }
      this.lastLogged.set(r.reason, now);
      this.unlogged.set(r.reason, 0);
      this.logger.warn({ msg: 'stream trade rejected', reason: r.reason, count, sample: r.sample });
    }
  }
}
