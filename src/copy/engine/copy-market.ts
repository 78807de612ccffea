import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { WsTrade } from '../../hyperliquid/hyperliquid.types';
import type { HyperliquidInfoClient } from '../../hyperliquid/info.client';
import type { StreamEntry } from '../../redis/contracts/contract';
import { TradesStream, decodeTradesEntry } from '../../redis/contracts/trades-stream';
import { CopyKeys } from '../copy-channels';
import { dropConnection } from '../../redis/redis-availability';

export interface CoinMeta {
  szDecimals: number;
  maxLeverage: number;
}

const META_REFRESH_MS = 600_000;
const MARKS_EVERY_MS = 1000;

/**
 * Latest prices from the public trade stream (the trades stream discovery hands to the live
 * engine; read here from its tail), and the coins' size decimals and max leverage from `meta`.
 * Followers' own trades in the stream are reported to `onOwnTrade`.
 */
export class CopyMarket {
  private readonly logger = new Logger(CopyMarket.name);
  readonly prices = new Map<string, number>();
  private meta = new Map<string, CoinMeta>();
  private metaAt = 0;
  private reader: Redis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private marksTimer: NodeJS.Timeout | null = null;
  private marksDirty = false;

  constructor(
    private readonly redis: Redis,
    private readonly info: HyperliquidInfoClient,
    private readonly onOwnTrade: (trade: WsTrade) => void,
  ) {}

  start(): void {
    this.running = true;
    this.reader = this.redis.duplicate({ connectionName: 'traderscout:copy-prices' });
    this.reader.on('error', () => undefined);
    this.loop = this.read();
    this.marksTimer = setInterval(() => void this.flushMarks(), MARKS_EVERY_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.marksTimer) clearInterval(this.marksTimer);
    if (this.reader) dropConnection(this.reader);
    await this.loop?.catch(() => undefined);
  }

  price(coin: string): number | null {
    return this.prices.get(coin) ?? null;
  }

  observe(coin: string, px: number): void {
    if (px > 0) {
      this.prices.set(coin, px);
      this.marksDirty = true;
    }
  }

  /** The coin's meta from the last read; an unknown coin or an old read starts a new one (at most every 10 s). */
  metaOf(coin: string): CoinMeta | null {
    const m = this.meta.get(coin) ?? null;
    if ((!m && Date.now() - this.metaAt > 10_000) || Date.now() - this.metaAt > META_REFRESH_MS) void this.refreshMeta();
    return m;
  }

  async refreshMeta(): Promise<void> {
    try {
      const meta = await this.info.meta();
      this.meta = new Map(meta.items.map((m) => [m.name, { szDecimals: m.szDecimals, maxLeverage: m.maxLeverage }]));
      this.metaAt = Date.now();
    } catch (err) {
      this.logger.warn({ msg: 'copy engine cannot read meta', error: (err as Error).message });
    }
  }

  private async read(): Promise<void> {
    let cursor = '$';
    while (this.running) {
      try {
        const res = (await this.reader!.xread('BLOCK', 1000, 'STREAMS', TradesStream.key, cursor)) as Array<[string, StreamEntry[]]> | null;
        if (!res) continue;
        for (const [, entries] of res) {
          for (const [id, fields] of entries) {
            cursor = id;
            for (const t of decodeTradesEntry<WsTrade>(fields)) {
              this.observe(t.coin, Number(t.px));
              this.onOwnTrade(t);
            }
          }
        }
      } catch (err) {
        if (!this.running) return;
        this.logger.warn({ msg: 'copy price reader failed, retrying', error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async flushMarks(): Promise<void> {
    if (!this.marksDirty) return;
    this.marksDirty = false;
    const flat: string[] = [];
    for (const [coin, px] of this.prices) flat.push(coin, String(px));
    await this.redis.hset(CopyKeys.marks, ...flat).catch(() => (this.marksDirty = true));
  }
}
