import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Discovery's Prometheus series (registered on this app's registry). */
@Injectable()
export class DiscoveryMetrics {
  readonly tradesReceived: Counter;
  readonly tradesStored: Counter;
  readonly newTraders: Counter;
  readonly flushSeconds: Histogram;
  readonly liveHandoff: Counter<'result'>;
  readonly bufferDepth: Gauge;
  readonly bufferDropped: Counter;
  readonly readerPaused: Gauge;
  readonly readerPausedSeconds: Counter;
  readonly batchSize: Gauge;
  readonly malformed: Counter;
  readonly tradesRejected: Counter<'reason'>;
  readonly deadLettered: Counter;
  readonly bisectedBatches: Counter;
  readonly reconnects: Gauge;
  readonly connected: Gauge;
  readonly lastMessageAge: Gauge;
  readonly subscriptions: Gauge;

  constructor(registry: Registry) {
    const r = [registry];
    this.tradesReceived = new Counter({ name: 'discovery_trades_received_total', help: 'Public trades received from the stream', registers: r });
    this.tradesStored = new Counter({ name: 'discovery_trades_stored_total', help: 'Trades newly inserted into the fills ledger', registers: r });
    this.newTraders = new Counter({ name: 'discovery_new_traders_total', help: 'Addresses seen for the first time', registers: r });
    this.flushSeconds = new Histogram({
      name: 'discovery_flush_seconds',
      help: 'Time to persist one batch (ledger + traders)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    this.liveHandoff = new Counter({
      name: 'discovery_live_handoff_trades_total',
      help: 'Trades handed to the live engine (fresh) or skipped as already handed on by a replica or a replay (duplicate)',
      labelNames: ['result'],
      registers: r,
    });
    this.bufferDepth = new Gauge({ name: 'discovery_buffer_depth', help: 'Trades waiting to be persisted', registers: r });
    this.bufferDropped = new Counter({ name: 'discovery_buffer_dropped_total', help: 'Trades dropped because a buffer went past twice its bound (backpressure pauses the reader at the bound)', registers: r });
    this.readerPaused = new Gauge({ name: 'discovery_reader_paused', help: '1 while the stream reader is paused by backpressure (buffers full)', registers: r });
    this.readerPausedSeconds = new Counter({ name: 'discovery_reader_paused_seconds_total', help: 'Time the stream reader spent paused by backpressure', registers: r });
    this.batchSize = new Gauge({ name: 'discovery_batch_size', help: 'Ledger batch size chosen by measurement (trades per statement)', registers: r });
    this.malformed = new Counter({ name: 'discovery_malformed_frames_total', help: 'Malformed frames or trades from the stream', registers: r });
    this.tradesRejected = new Counter({
      name: 'discovery_trades_rejected_total',
      help: 'Stream trades refused at the boundary (never stored), by reason',
      labelNames: ['reason'],
      registers: r,
    });
    this.deadLettered = new Counter({
      name: 'discovery_trades_dead_lettered_total',
      help: 'Trades the ledger refused, set aside in fill_dead_letters so the rest of their batch is stored',
      registers: r,
    });
    this.bisectedBatches = new Counter({
      name: 'discovery_batches_bisected_total',
      help: 'Ledger batches that failed on a row and were split to find it',
      registers: r,
    });
    this.reconnects = new Gauge({ name: 'discovery_ws_reconnects', help: 'WebSocket reconnects since start', registers: r });
    this.connected = new Gauge({ name: 'discovery_ws_connected', help: '1 when every stream connection is up', registers: r });
    this.lastMessageAge = new Gauge({ name: 'discovery_ws_last_message_age_seconds', help: 'Seconds since the last frame', registers: r });
    this.subscriptions = new Gauge({ name: 'discovery_ws_subscriptions', help: 'Acknowledged trades subscriptions', registers: r });
  }
}
