import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis from 'ioredis';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { isPerpCoin } from '../hyperliquid/coins';
import type { PerpMeta, TradeRejection, WsTrade } from '../hyperliquid/hyperliquid.types';
import type { TradeRules } from '../hyperliquid/trade-validation';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { TradeStreamPool } from '../hyperliquid/trade-stream.pool';
import { DiscoveryMarkets, decodeMarkets, encodeMarkets } from '../redis/contracts/discovery-markets';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { reportStreamGap } from './stream-gaps';
import { DiscoveryMetrics } from './discovery.metrics';
import { TradeIngestService } from './trade-ingest.service';
import { TradeRejectionLog } from './trade-rejections';

const META_RETRY_MS = 5000;

/** Which coins to watch: every listed, non-delisted perp, or POPULAR_COINS when set. */
export function coinsToWatch(universe: readonly PerpMeta[], popular: string[] | null): string[] {
  return popularAmong(listedPerps(universe), popular);
}

export function listedPerps(universe: readonly PerpMeta[]): string[] {
  return universe.filter((m) => !m.isDelisted && isPerpCoin(m.name)).map((m) => m.name);
}

function popularAmong(listed: string[], popular: string[] | null): string[] {
  if (!popular) return listed;
  const set = new Set(listed);
  return popular.filter((c) => set.has(c));
}

/**
 * Role `discovery`: reads `meta` (through the weight budget) at start and every
 * META_REFRESH_SECONDS, keeps a `trades` subscription on every listed perp, and feeds every
 * trade to the ingest buffer. Costs no REST weight beyond the meta reads.
 */
@Injectable()
export class DiscoveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DiscoveryService.name);
  readonly pool: TradeStreamPool;
  /** The stream's boundary checks; `universe` follows `meta`. */
  readonly tradeRules: TradeRules;
  private readonly rejections: TradeRejectionLog;
  private readonly abort = new AbortController();
  private metaTimer: NodeJS.Timeout | null = null;
  private lastMalformedLog = 0;
  private gapFrom: number | null = null;
  private malformedSinceLog = 0;
  lastMetaAt: number | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly info: HyperliquidInfoClient,
    private readonly ingest: TradeIngestService,
    private readonly metrics: DiscoveryMetrics,
    private readonly scheduler: SchedulerRegistry,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.tradeRules = {
      universe: null,
      maxAgeMs: config.streamTradeMaxAgeSeconds * 1000,
      maxFutureMs: config.streamTradeMaxFutureSeconds * 1000,
    };
    this.rejections = new TradeRejectionLog(metrics.tradesRejected, this.logger);
    this.pool = new TradeStreamPool({
      url: config.websocketUrl,
      pingIntervalMs: config.wsPingIntervalSeconds * 1000,
      silenceTimeoutMs: config.wsSilenceTimeoutSeconds * 1000,
      ackTimeoutMs: 10_000,
      subscribeIntervalMs: 40, // ≤ 1,500 messages a minute, under the exchange's 2,000
      backoffBaseMs: 500,
      backoffCapMs: 30_000,
      maxSubscriptionsPerConnection: 900,
      maxConnections: 8,
      tradeRules: this.tradeRules,
    });
    this.pool.on('trades', (trades: WsTrade[]) => this.ingest.accept(trades));
    // Backpressure: full buffers pause reading the sockets (the exchange's sends slow down) instead of dropping trades.
    this.ingest.onBackpressure((paused) => (paused ? this.pool.pause() : this.pool.resume()));
    this.pool.on('malformed', (reason: string) => this.onMalformed(reason));
    this.pool.on('rejected', (rejections: TradeRejection[]) => {
      this.metrics.malformed.inc(rejections.length);
      this.rejections.record(rejections);
    });
    this.pool.on('serverError', (message: string) => this.logger.warn({ msg: 'exchange error frame', message }));
    this.pool.on('disconnected', (reason: string) => {
      this.gapFrom ??= Date.now();
      this.logger.warn({ msg: 'stream disconnected', reason });
    });
    this.pool.on('connected', () => {
      this.logger.log({ msg: 'stream connected' });
      if (this.gapFrom !== null) void this.reportGap(this.gapFrom, Date.now());
      this.gapFrom = null;
    });
  }

  onApplicationBootstrap(): void {
    this.pool.start();
    void this.startFromCachedMarkets();
    void this.refreshMeta();
    const interval = setInterval(() => void this.refreshMeta(), this.config.metaRefreshSeconds * 1000);
    this.scheduler.addInterval('discovery-meta-refresh', interval);
    const gauges = setInterval(() => this.updateGauges(), 1000);
    gauges.unref();
    this.scheduler.addInterval('discovery-gauges', gauges);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    if (this.metaTimer) clearTimeout(this.metaTimer);
    await this.pool.stop();
    // Nest runs this module's shutdown hooks side by side: trades that arrived while the sockets
    // were closing reach the database here, after the last of them.
    await this.ingest.flushAll();
  }

  /**
   * `meta` goes through the shared weight budget, which tracking keeps busy by design: after a
   * restart the read can wait up to a window (a minute). The stream costs no weight, so the last
   * known market list (kept in Redis) starts the subscriptions at once; `meta` then corrects it.
   */
  private async startFromCachedMarkets(): Promise<void> {
    try {
      const cached = await this.redis.get(DiscoveryMarkets.key);
      if (!cached || this.pool.coins().length > 0 || this.abort.signal.aborted) return;
      const listed = decodeMarkets(cached);
      if (!listed) return;
      this.tradeRules.universe ??= new Set(listed);
      const coins = popularAmong(listed, this.config.popularCoins);
      this.pool.setCoins(coins);
      this.logger.log({ msg: 'watching markets (last known list, until meta answers)', coins: coins.length });
    } catch (err) {
      this.logger.warn({ msg: 'could not read the last known markets', error: (err as Error).message });
    }
  }

  private async refreshMeta(): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      const meta = await this.info.meta(this.abort.signal);
      const listed = listedPerps(meta.items);
      // Every name meta lists (a delisted perp's last trades are still real trades).
      this.tradeRules.universe = new Set(meta.items.map((m) => m.name));
      await this.redis.set(DiscoveryMarkets.key, encodeMarkets(listed)).catch(() => undefined);
      const coins = popularAmong(listed, this.config.popularCoins);
      const before = new Set(this.pool.coins());
      this.pool.setCoins(coins);
      this.lastMetaAt = Date.now();
      const added = coins.filter((c) => !before.has(c));
      const removed = [...before].filter((c) => !coins.includes(c));
      if (added.length || removed.length) {
        this.logger.log({ msg: 'watching markets', coins: coins.length, added: added.length, removed });
      }
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.logger.warn({ msg: 'meta read failed, retrying', error: (err as Error).message });
      if (this.pool.coins().length === 0) this.metaTimer = setTimeout(() => void this.refreshMeta(), META_RETRY_MS);
    }
  }

  /** Trades missed while disconnected cannot be fetched back: tracking reconciles the active traders. */
  private async reportGap(from: number, to: number): Promise<void> {
    try {
      await reportStreamGap(this.redis, from, to);
    } catch (err) {
      this.logger.warn({ msg: 'could not report a stream gap', error: (err as Error).message });
    }
  }

  private onMalformed(reason: string): void {
    this.metrics.malformed.inc();
    this.malformedSinceLog++;
    if (Date.now() - this.lastMalformedLog > 10_000) {
      this.logger.warn({ msg: 'malformed frames from the stream', count: this.malformedSinceLog, last_reason: reason });
      this.lastMalformedLog = Date.now();
      this.malformedSinceLog = 0;
    }
  }

  private updateGauges(): void {
    const s = this.pool.getStats();
    this.metrics.connected.set(s.allConnected ? 1 : 0);
    this.metrics.reconnects.set(s.reconnects);
    this.metrics.subscriptions.set(s.subscribed);
    if (s.lastMessageAt) this.metrics.lastMessageAge.set((Date.now() - s.lastMessageAt) / 1000);
  }
}
