import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

@Injectable()
export class TrackingMetrics {
  readonly refreshed: Counter<'path'>;
  readonly failures: Counter;
  readonly events: Counter<'event_type'>;
  readonly lastTick: Gauge;
  readonly tradeToEvent: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.refreshed = new Counter({
      name: 'tracking_snapshots_total',
      help: 'clearinghouseState snapshots committed, by path (queue or signal)',
      labelNames: ['path'],
      registers,
    });
    this.failures = new Counter({ name: 'tracking_fetch_failures_total', help: 'Snapshots that failed (released for retry)', registers });
    this.events = new Counter({
      name: 'tracking_events_total',
      help: 'Position events detected from snapshots',
      labelNames: ['event_type'],
      registers,
    });
    this.lastTick = new Gauge({ name: 'tracking_last_tick_timestamp_seconds', help: 'When the last round started', registers });
    this.tradeToEvent = new Histogram({
      name: 'tracking_trade_to_snapshot_seconds',
      help: 'From a flagged trade to the snapshot that saw it',
      buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 75, 150],
      registers,
    });
  }
}
