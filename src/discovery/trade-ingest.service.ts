import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { RedisKeys } from '../redis/redis-keys';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { DiscoveryMetrics } from './discovery.metrics';
import { FillsRepository, StoredBatch } from './fills.repository';
import { isRowCausedError, writeIsolatingBadRows } from './isolate-bad-rows';
import { LiveTradeHandoff } from './live-trade-handoff';
import { TradeBuffer } from './trade-buffer';

const FLUSH_INTERVAL_MS = 250;
/** The live hand-off waits this long for more trades to share its Redis call. */
const LIVE_BATCH_MS = 20;
const FLUSH_AT_TRADES = 1000;
/** Larger statements while catching up after an outage. */
const MAX_BATCH = 5000;
const RETRY_MS = 1000;

/**
 * Two paths for every streamed trade. Live: within ~20 ms it is appended to the trades stream
 * for the live engine (de-duplicated across replicas in Redis), without waiting for Postgres.
 * Ledger: batches (every 250 ms or 1,000 trades) go into the fills ledger and the traders in one
 * statement, then a "just traded" signal per address goes to tracking. While Postgres or Redis is
 * down each path buffers (bounded) and retries on its own.
 */
@Injectable()
export class TradeIngestService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TradeIngestService.name);
  private readonly buffer: TradeBuffer<WsTrade>;
  /** Stored trades whose "just traded" signal has not reached Redis yet. */
  private readonly signals: TradeBuffer<WsTrade>;
  /** Trades not yet handed to the live engine. */
  private readonly live: TradeBuffer<WsTrade>;
  private readonly liveHandoff: LiveTradeHandoff;
  private liveTimer: NodeJS.Timeout | null = null;
  private liveFlushing: Promise<void> | null = null;
  private liveDownSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Shutting down: no new timers (a flush finishing late must not schedule another). */
  private stopped = false;
  private dbDownSince: number | null = null;
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
    this.buffer = new TradeBuffer(config.discoveryBufferMaxTrades);
    this.signals = new TradeBuffer(config.discoveryBufferMaxTrades);
    this.live = new TradeBuffer(config.discoveryBufferMaxTrades);
    this.liveHandoff = new LiveTradeHandoff(redis, config.inMemoryRedis);
    this.stallMs = config.discoveryWriterStallSeconds * 1000;
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
    return this.buffer.dropped + this.signals.dropped + this.live.dropped;
  }

  accept(trades: WsTrade[]): void {
    this.metrics.tradesReceived.inc(trades.length);
    if (trades.length > 0) this.waitingSince ??= Date.now();
    const dropped = this.buffer.push(trades);
    if (dropped > 0) {
      this.metrics.bufferDropped.inc(dropped);
      if (Date.now() - this.lastDropWarn > 5000) {
        this.lastDropWarn = Date.now();
        this.logger.warn({ msg: 'trade buffer full, dropped oldest', dropped_total: this.buffer.dropped });
      }
    }
    this.metrics.bufferDepth.set(this.buffer.size);
    this.live.push(trades);
    if (!this.liveTimer && !this.liveFlushing) this.scheduleLive(LIVE_BATCH_MS);
    if (this.buffer.size >= FLUSH_AT_TRADES && !this.flushing && this.dbDownSince === null) this.schedule(0);
  }

  /** Persists and hands on everything buffered now (used at shutdown and by tests). */
  async flushAll(): Promise<void> {
    while (this.liveFlushing) await this.liveFlushing;
    await this.runLiveFlush();
    while (this.flushing) await this.flushing;
    while (this.buffer.size > 0 || this.signals.size > 0) {
      const before = this.buffer.size + this.signals.size;
      await this.runFlush();
      if (this.buffer.size + this.signals.size >= before) return; // a dependency is down
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = null;
    await this.flushAll();
    if (this.buffer.size > 0) this.logger.warn({ msg: 'shutting down with unsaved trades', count: this.buffer.size });
  }

  private scheduleLive(ms: number): void {
    if (this.stopped) return;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => {
      this.liveTimer = null;
      void this.runLiveFlush().then(() => {
        if (this.live.size > 0 && !this.liveTimer) this.scheduleLive(this.liveDownSince !== null ? RETRY_MS : 0);
      });
    }, ms);
  }

  private runLiveFlush(): Promise<void> {
    if (this.liveFlushing) return this.liveFlushing;
    if (this.live.size === 0) return Promise.resolve();
    // .finally runs after this assignment even when the drain ends without waiting.
    const run: Promise<void> = this.drainLive().finally(() => {
      if (this.liveFlushing === run) this.liveFlushing = null;
    });
    this.liveFlushing = run;
    return run;
  }

  private async drainLive(): Promise<void> {
    while (this.live.size > 0) {
      const { seq, items } = this.live.peek(MAX_BATCH);
      try {
        const fresh = await this.liveHandoff.send(items);
        this.metrics.liveHandoff.inc({ result: 'fresh' }, fresh);
        this.metrics.liveHandoff.inc({ result: 'duplicate' }, items.length - fresh);
        this.live.release(seq, items.length);
        if (this.liveDownSince !== null) {
          this.logger.log({ msg: 'live hand-off resumed', down_ms: Date.now() - this.liveDownSince });
          this.liveDownSince = null;
        }
      } catch (err) {
        if (this.liveDownSince === null) {
          this.liveDownSince = Date.now();
          this.logger.warn({ msg: 'cannot hand trades to the live engine, will retry', error: (err as Error).message, buffered: this.live.size });
        }
        return;
      }
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.flushing) await this.runFlush();
    const backlog = this.buffer.size >= FLUSH_AT_TRADES && this.dbDownSince === null;
    this.schedule(this.dbDownSince !== null || this.redisDownSince !== null ? RETRY_MS : backlog ? 0 : FLUSH_INTERVAL_MS);
  }

  private runFlush(): Promise<void> {
    this.flushing = (async () => {
      try {
        await this.persist();
        await this.signalTracking();
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async persist(): Promise<void> {
    while (this.buffer.size > 0) {
      const { seq, items } = this.buffer.peek(MAX_BATCH);
      const end = this.metrics.flushSeconds.startTimer();
      try {
        await this.storeIsolatingBadRows(items);
        end();
        this.buffer.release(seq, items.length);
        this.lastFlushAt = Date.now();
        this.waitingSince = this.buffer.size > 0 ? this.lastFlushAt : null;
        if (this.dbDownSince !== null) {
          this.logger.log({ msg: 'database back, buffer flushing', down_ms: Date.now() - this.dbDownSince });
          this.dbDownSince = null;
        }
      } catch (err) {
        if (this.dbDownSince === null) {
          this.dbDownSince = Date.now();
          this.logger.warn({ msg: 'cannot store trades, buffering', error: (err as Error).message, buffered: this.buffer.size });
        }
        return;
      } finally {
        this.metrics.bufferDepth.set(this.buffer.size);
      }
      if (items.length < MAX_BATCH) return;
    }
  }

  /**
   * One statement for the batch; if a row's data makes it fail, the batch is split until that row
   * stands alone, the row goes to the dead letters and everything else is stored (no poison pill).
   * Throws only when the database itself is unavailable (the batch is then retried whole).
   */
  private async storeIsolatingBadRows(items: WsTrade[]): Promise<void> {
    const onStored = (stored: StoredBatch) => {
      this.signals.push(stored.inserted);
      this.metrics.tradesStored.inc(stored.inserted.length);
      this.metrics.newTraders.inc(stored.newTraders);
    };
    const { bad, statements } = await writeIsolatingBadRows(items, (batch) => this.fills.storeBatch(batch), onStored);
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
      const zargs: Array<string | number> = [];
      for (const [address, time] of oldest) zargs.push(time, address);
      try {
        await this.redis.zadd(RedisKeys.tradedSignals, 'NX', ...zargs);
        this.signals.release(seq, items.length);
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
