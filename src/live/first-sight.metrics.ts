import type { Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { FirstSightDropReason, UnplacedReason } from './first-sight';

/** The live engine's first-sight figures: first snapshots by outcome, kept and dropped trades. */
export class FirstSightMetrics {
  private readonly outcomes: Counter<'result'>;
  private readonly dropped: Counter<'reason'>;
  private readonly kept: Gauge;

  constructor(registers: Registry[]) {
    this.outcomes = new Counter({
      name: 'live_first_sight_total',
      help: 'First snapshots of traders: kept trades replayed as stream events, placed quietly, or not placeable (one snapshot event per position)',
      labelNames: ['result'],
      registers,
    });
    this.dropped = new Counter({
      name: 'live_first_sight_dropped_trades_total',
      help: 'Trades of traders without a baseline dropped from their first-sight buffer (per-trader cap, global cap, age)',
      labelNames: ['reason'],
      registers,
    });
    this.kept = new Gauge({ name: 'live_first_sight_kept_trades', help: 'Trades kept for traders without a baseline', registers });
  }

  baselined(address: string, first: { replayed: number; unplaced: UnplacedReason | null }, events: number, logger: Logger): void {
    this.outcomes.inc({ result: first.unplaced ? 'unplaced' : first.replayed > 0 ? 'replayed' : 'quiet' });
    if (first.unplaced) {
      logger.warn({
        msg: 'first snapshot cannot be placed among kept trades: one snapshot event per position, from unknown before',
        address,
        reason: first.unplaced,
        events,
      });
    }
  }

  pruned(dropped: Record<FirstSightDropReason, number>, kept: number): void {
    for (const [reason, n] of Object.entries(dropped)) if (n > 0) this.dropped.inc({ reason }, n);
    this.kept.set(kept);
  }
}
