import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { performance } from 'perf_hooks';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { TrackingSignals, raiseSignals } from '../redis/contracts/tracking-signals';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { DiscoveryMetrics } from './discovery.metrics';
import { FillsRepository, StoredBatch } from './fills.repository';
import { Backpressure } from './backpressure';
import { BatchSizer } from './batch-sizer';
import { isRowCausedError, writeIsolatingBadRows } from './isolate-bad-rows';
import { LiveTradeHandoff } from './live-trade-handoff';
import { LiveTradeRelay } from './live-trade-relay';
import { OrderedFlushes } from './ordered-flushes';
import { TradeBuffer } from './trade-buffer';

const FLUSH_INTERVAL_MS = 250;
/** Signal batches (Redis calls). */
const MAX_BATCH = 5000;
/** Ledger statements in flight at once (each on its own pooled connection). */
const FLUSHES_IN_FLIGHT = 2;
const RETRY_MS = 1000;

/**
 * Two paths for every streamed trade. Live: within ~20 ms it is appended to the trades stream
 * for the live engine (de-duplicated across replicas in Redis), without waiting for Postgres.
 * Ledger: batches go into the fills ledger and the traders, one statement each, two in flight
 * (OrderedFlushes: released and signalled in arrival order), sized by measurement (BatchSizer:
 * the size with the best measured trades/s while there is a backlog; otherwise whatever arrived
 * in 250 ms); then a "just traded" signal per address goes to tracking. While Postgres or Redis
 * is down each path buffers and retries on its own. Backpressure: once any buffer holds
 * DISCOVERY_BUFFER_MAX_TRADES, `accept` answers false and the listeners pause the stream's
 * reader until the buffers are down to half (no trade is dropped to make room; the hard cap of
 * twice the bound only catches frames already in flight).
 */
@Injectable()
export class TradeIngestService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TradeIngestService.name);
  private readonly buffer: TradeBuffer<WsTrade>;
  /** Stored trades whose "just traded" signal has not reached Redis yet. */
  private readonly signals: TradeBuffer<WsTrade>;
  /** The live path: trades not yet handed to the live engine. */
  private readonly relay: LiveTradeRelay;
  private readonly flushes: OrderedFlushes<WsTrade, StoredBatch>;
  private readonly sizer = new BatchSizer();
  private readonly pressure: Backpressure;
  private pausedMsReported = 0;
  private readonly pressureListeners: Array<(paused: boolean) => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private signalling: Promise<void> | null = null;
  /** Shutting down: no new timers (a flush finishing late must not schedule another). */
  private stopped = false;
  private dbDownSince: number | null = null;
  private retryAt = 0;
  private redisDownSince: number | null = null;
  private lastDropWarn = 0;
  private readonly stallMs: number;
  /** Since when trades have waited without a successful write (null: nothing waiting). */
  private waitingSince: number | null = null;
  lastFlushAt: number | null = null;

  constructor(
    private readonly fills: FillsRepository,
    private readonly metrics: DiscoveryMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: AppConfig,
  ) {
    const bound = config.discoveryBufferMaxTrades;
    this.pressure = new Backpressure(bound);
    this.buffer = new TradeBuffer(2 * bound);
    this.signals = new TradeBuffer(2 * bound);
    this.relay = new LiveTradeRelay(new TradeBuffer(2 * bound), new LiveTradeHandoff(redis, config.inMemoryRedis), metrics, () =>
      this.updatePressure(),
    );
    this.stallMs = config.discoveryWriterStallSeconds * 1000;
    this.flushes = new OrderedFlushes(this.buffer, {
      maxInFlight: FLUSHES_IN_FLIGHT,
      write: (items, onPart) => this.storeIsolatingBadRows(items, onPart),
      onWritten: (items, results) => this.onWritten(items, results),
      onFailed: (err) => this.onStoreFailed(err),
    });
  }

  onModuleInit(): void {
    this.schedule(FLUSH_INTERVAL_MS);
  }

  get depth(): number {
    return this.buffer.size;
  }

  /** How long trades have waited with no successful write; past DISCOVERY_WRITER_STALL_SECONDS the writer is stalled. */
  get waitingMs(): number {
    return this.waitingSince === null ? 0 : Date.now() - this.waitingSince;
  }

  get stalled(): boolean {
    return this.waitingMs > this.stallMs;
  }

  get dropped(): number {
    return this.buffer.dropped + this.signals.dropped + this.relay.buffer.dropped;
  }

  /** Backpressure: the stream's reader is paused until the buffers drain to half the bound. */
  get paused(): boolean {
    return this.pressure.paused;
  }

  get pausedMs(): number {
    return this.pressure.pausedMs();
  }

  get pauses(): number {
    return this.pressure.pauses;
  }

  get bufferBound(): number {
    return this.pressure.bound;
  }

  get batchSize(): number {
    return this.sizer.current;
  }

  /** `listener(true)` when the reader should pause, `listener(false)` when it may read again. */
  onBackpressure(listener: (paused: boolean) => void): void {
    this.pressureListeners.push(listener);
  }

  /** Takes trades; false when the buffers are full and the reader should pause (like stream.write). */
  accept(trades: WsTrade[]): boolean {
    this.metrics.tradesReceived.inc(trades.length);
    if (trades.length > 0) this.waitingSince ??= Date.now();
    const dropped = this.buffer.push(trades);
    if (dropped > 0) {
      this.metrics.bufferDropped.inc(dropped);
      if (Date.now() - this.lastDropWarn > 5000) {
        this.lastDropWarn = Date.now();
        this.logger.warn({ msg: 'trade buffer past twice its bound, dropped oldest', dropped_total: this.buffer.dropped });
      }
    }
    this.metrics.bufferDepth.set(this.buffer.size);
    this.relay.push(trades);
    this.pump(false);
    this.updatePressure();
    return !this.pressure.paused;
  }

  /** Persists and hands on everything buffered now (used at shutdown and by tests). */
  async flushAll(): Promise<void> {
    await this.relay.flush();
    for (;;) {
      if (this.flushes.failed) this.flushes.retry();
      this.pump(true);
      await this.flushes.settled();
      if (this.flushes.failed) break; // the database is down
      if (this.flushes.pending === 0 && this.buffer.size === 0) break;
    }
    while (this.signalling) await this.signalling;
    await this.signalTracking();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.relay.stop();
    await this.flushAll();
    if (this.buffer.size > 0) this.logger.warn({ msg: 'shutting down with unsaved trades', count: this.buffer.size });
  }

  private backlog(): number {
    return Math.max(this.buffer.size, this.relay.buffer.size, this.signals.size);
  }

  /** Pauses or resumes the reader when the backlog crosses the bound (or half of it). */
  private updatePressure(): void {
    const change = this.pressure.update(this.backlog());
    if (change === null) return;
    if (change) {
      this.logger.warn({ msg: 'trade buffers full, pausing the stream reader', bound: this.pressure.bound, ledger: this.buffer.size, live: this.relay.buffer.size, signals: this.signals.size });
    } else {
      const total = this.pressure.pausedMs();
      this.metrics.readerPausedSeconds.inc((total - this.pausedMsReported) / 1000);
      this.pausedMsReported = total;
      this.logger.log({ msg: 'trade buffers drained, stream reader resumed', paused_ms_total: total });
    }
    this.metrics.readerPaused.set(change ? 1 : 0);
    for (const listener of this.pressureListeners) listener(change);
  }

  /** Starts ledger batches: full ones of the measured size, or whatever is there when `partial`. */
  private pump(partial: boolean): void {
    if (this.flushes.failed || this.flushes.pending >= FLUSHES_IN_FLIGHT) return;
    if (!partial && this.flushes.unsent < this.sizer.current) return;
    this.flushes.pump(this.sizer.next(this.flushes.unsent), partial);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  /** Every 250 ms: a partial batch of what arrived, a due retry, the signals. */
  private tick(): void {
    this.timer = null;
    if (this.flushes.failed) {
      if (Date.now() >= this.retryAt) {
        this.retryAt = Date.now() + RETRY_MS;
        this.flushes.retry();
      }
    } else {
      this.pump(true);
    }
    if (!this.signalling && this.signals.size > 0) this.runSignals();
    this.schedule(this.redisDownSince !== null ? RETRY_MS : FLUSH_INTERVAL_MS);
  }

  private runSignals(): void {
    this.signalling = this.signalTracking().finally(() => (this.signalling = null));
  }

  /** A batch and every one before it are in the ledger: signal, account, take the next. */
  private onWritten(items: WsTrade[], results: StoredBatch[]): void {
    for (const stored of results) {
      this.signals.push(stored.inserted);
      this.metrics.tradesStored.inc(stored.inserted.length);
      this.metrics.newTraders.inc(stored.newTraders);
    }
    this.lastFlushAt = Date.now();
    this.waitingSince = this.buffer.size > 0 ? this.lastFlushAt : null;
    this.metrics.bufferDepth.set(this.buffer.size);
    if (this.dbDownSince !== null && !this.flushes.failed) {
      this.logger.log({ msg: 'database back, buffer flushing', down_ms: Date.now() - this.dbDownSince, batch: items.length });
      this.dbDownSince = null;
    }
    if (!this.signalling) this.runSignals();
    this.updatePressure();
    this.pump(false);
  }

  private onStoreFailed(err: unknown): void {
    this.retryAt = Date.now() + RETRY_MS;
    if (this.dbDownSince === null) {
      this.dbDownSince = Date.now();
      this.logger.warn({ msg: 'cannot store trades, buffering', error: (err as Error).message, buffered: this.buffer.size });
    }
  }

  /**
   * One statement for the batch; if a row's data makes it fail, the batch is split until that row
   * stands alone, the row goes to the dead letters and everything else is stored (no poison pill).
   * Throws only when the database itself is unavailable (the batch is then retried whole).
   */
  private async storeIsolatingBadRows(items: WsTrade[], onStored: (stored: StoredBatch) => void): Promise<void> {
    const end = this.metrics.flushSeconds.startTimer();
    const started = performance.now();
    const { bad, statements } = await writeIsolatingBadRows(items, (batch) => this.fills.storeBatch(batch), onStored);
    end();
    if (statements === 1) this.sizer.record(items.length, items.length, performance.now() - started);
    this.metrics.batchSize.set(this.sizer.current);
    if (bad.length === 0) return;
    this.metrics.bisectedBatches.inc();
    const letters = bad.map(({ item, error }) => ({ trade: item, error: error.message, sqlstate: (error as { code?: string }).code ?? null }));
    try {
      await this.fills.storeDeadLetters(letters);
    } catch (err) {
      if (!isRowCausedError(err)) throw err;
      this.logger.error({ msg: 'dead letters refused too, dropped', count: letters.length, error: (err as Error).message });
    }
    this.metrics.deadLettered.inc(bad.length);
    this.logger.warn({
      msg: 'ledger refused trades, dead-lettered',
      count: bad.length,
      batch: items.length,
      statements,
      first_error: letters[0].error,
      sqlstate: letters[0].sqlstate,
    });
  }

  private async signalTracking(): Promise<void> {
    while (this.signals.size > 0) {
      const { seq, items } = this.signals.peek(MAX_BATCH);
      const oldest = new Map<string, number>();
      for (const t of items) {
        for (const a of [t.buyer, t.seller]) {
          const prev = oldest.get(a);
          if (prev === undefined || t.time < prev) oldest.set(a, t.time);
        }
      }
      try {
        await raiseSignals(this.redis, TrackingSignals.traded, [...oldest].map(([address, at]) => ({ address, at })));
        this.signals.release(seq, items.length);
        this.updatePressure();
        this.redisDownSince = null;
      } catch (err) {
        if (this.redisDownSince === null) {
          this.redisDownSince = Date.now();
          this.logger.warn({ msg: 'cannot hand trades to Redis, will retry', error: (err as Error).message });
        }
        return;
      }
    }
  }
}
