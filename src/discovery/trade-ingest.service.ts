import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { RedisKeys, TRADES_STREAM_MAXLEN } from '../redis/redis-keys';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { DiscoveryMetrics } from './discovery.metrics';
import { FillsRepository } from './fills.repository';
import { TradeBuffer } from './trade-buffer';

const FLUSH_INTERVAL_MS = 250;
const FLUSH_AT_TRADES = 1000;
/** Larger statements while catching up after an outage. */
const MAX_BATCH = 5000;
const RETRY_MS = 1000;

/**
 * Buffers streamed trades and persists them in batches (every 250 ms or 1,000 trades): one
 * statement for the ledger and the traders. While Postgres is down trades accumulate (bounded);
 * after each commit the newly stored trades are handed on through Redis: a "just traded" signal
 * per address for tracking and one stream entry per batch for live consumers.
 */
@Injectable()
export class TradeIngestService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(TradeIngestService.name);
  private readonly buffer: TradeBuffer<WsTrade>;
  /** Stored trades whose Redis hand-off has not succeeded yet. */
  private readonly handoff: TradeBuffer<WsTrade>;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dbDownSince: number | null = null;
  private redisDownSince: number | null = null;
  private lastDropWarn = 0;
  lastFlushAt: number | null = null;

  constructor(
    private readonly fills: FillsRepository,
    private readonly metrics: DiscoveryMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.buffer = new TradeBuffer(config.discoveryBufferMaxTrades);
    this.handoff = new TradeBuffer(config.discoveryBufferMaxTrades);
  }

  onModuleInit(): void {
    this.schedule(FLUSH_INTERVAL_MS);
  }

  get depth(): number {
    return this.buffer.size;
  }

  get dropped(): number {
    return this.buffer.dropped + this.handoff.dropped;
  }

  accept(trades: WsTrade[]): void {
    this.metrics.tradesReceived.inc(trades.length);
    const dropped = this.buffer.push(trades);
    if (dropped > 0) {
      this.metrics.bufferDropped.inc(dropped);
      if (Date.now() - this.lastDropWarn > 5000) {
        this.lastDropWarn = Date.now();
        this.logger.warn({ msg: 'trade buffer full, dropped oldest', dropped_total: this.buffer.dropped });
      }
    }
    this.metrics.bufferDepth.set(this.buffer.size);
    if (this.buffer.size >= FLUSH_AT_TRADES && !this.flushing && this.dbDownSince === null) this.schedule(0);
  }

  /** Persists everything buffered now (used at shutdown and by tests). */
  async flushAll(): Promise<void> {
    while (this.flushing) await this.flushing;
    while (this.buffer.size > 0 || this.handoff.size > 0) {
      const before = this.buffer.size + this.handoff.size;
      await this.runFlush();
      if (this.buffer.size + this.handoff.size >= before) return; // a dependency is down
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushAll();
    if (this.buffer.size > 0) this.logger.warn({ msg: 'shutting down with unsaved trades', count: this.buffer.size });
  }

  private schedule(ms: number): void {
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
        await this.handOff();
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
        const stored = await this.fills.storeBatch(items);
        end();
        this.buffer.release(seq, items.length);
        this.handoff.push(stored.inserted);
        this.metrics.tradesStored.inc(stored.inserted.length);
        this.metrics.newTraders.inc(stored.newTraders);
        this.lastFlushAt = Date.now();
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

  private async handOff(): Promise<void> {
    while (this.handoff.size > 0) {
      const { seq, items } = this.handoff.peek(MAX_BATCH);
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
        const results = await this.redis
          .multi()
          .zadd(RedisKeys.tradedSignals, 'NX', ...zargs)
          .xadd(RedisKeys.tradesStream, 'MAXLEN', '~', TRADES_STREAM_MAXLEN, '*', 't', JSON.stringify(items))
          .exec();
        const failed = results?.find(([e]) => e);
        if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
        this.handoff.release(seq, items.length);
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
