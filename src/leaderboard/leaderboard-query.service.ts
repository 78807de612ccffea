import { Injectable } from '@nestjs/common';
import { LeaderboardParams } from './dto/leaderboard-query.dto';
import { LeaderboardPageDto } from './dto/leaderboard.dto';
import { CachedPage } from './cached-page';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { LeaderboardCache } from './leaderboard-cache.service';
import { toLeaderboardEntry } from './leaderboard-entry';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from './leaderboard-fields';
import { LeaderboardGenerations } from './leaderboard-generation.service';
import { LeaderboardPageStore } from './leaderboard-page-store';
import { GenerationRow, LeaderboardReadRepository } from './leaderboard-read.repository';

/** Process memory for the current generation's pages (a 100-row page weighs ~80 KB, ~160 KB with its variants). */
const LOCAL_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Leaderboard pages. Each page of the current generation is built once in this process and kept
 * (bytes, ETag, compressed variants: see CachedPage) until the next generation, so a hot page
 * costs no I/O and no serialization; past that, from the Redis cache (shared by replicas), else
 * from the newest generation in PostgreSQL (concurrent misses of one page share one query), then
 * cached in Redis for LEADERBOARD_CACHE_TTL_SECONDS. A generation's pages never change, so keeping
 * them until the next one serves nothing stale; with PostgreSQL down they keep being served.
 */
@Injectable()
export class LeaderboardQueryService {
  private readonly loading = new Map<string, Promise<CachedPage>>();
  private readonly local = new LeaderboardPageStore(LOCAL_MAX_BYTES);
  private clearsSeen = 0;

  constructor(
    private readonly repo: LeaderboardReadRepository,
    private readonly generations: LeaderboardGenerations,
    private readonly cache: LeaderboardCache,
    private readonly metrics: LeaderboardApiMetrics,
  ) {}

  /**
   * The page if this process holds it for the current generation (no I/O, no waiting), else null.
   * @param key LeaderboardPageStore.key of the parameters
   */
  held(key: string): CachedPage | null {
    this.dropIfCleared();
    const generation = this.generations.peek();
    return generation && this.local.get(generation.id, key);
  }

  async page(params: LeaderboardParams): Promise<CachedPage> {
    const generation = await this.generations.latest();
    if (!generation) return new CachedPage(JSON.stringify(this.empty(params)), null);
    this.dropIfCleared();
    const localKey = LeaderboardPageStore.key(params);
    const hot = this.local.get(generation.id, localKey);
    if (hot) {
      this.metrics.cacheHits.inc();
      return hot;
    }
    const key = this.cache.key(generation.id, params);
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.fetch(generation, params, key)
        .then((page) => {
          this.local.set(generation.id, localKey, page);
          return page;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** An admin cache clear drops the pages held in this process too. */
  private dropIfCleared(): void {
    if (this.generations.cacheClears === this.clearsSeen) return;
    this.clearsSeen = this.generations.cacheClears;
    this.local.clear();
  }

  private async fetch(generation: GenerationRow, params: LeaderboardParams, key: string): Promise<CachedPage> {
    const cached = await this.cache.get(key);
    if (cached !== null) {
      this.metrics.cacheHits.inc();
      return new CachedPage(cached, generation.computedAt);
    }
    this.metrics.cacheMisses.inc();
    const json = JSON.stringify(await this.load(generation, params));
    this.cache.set(key, json);
    return new CachedPage(json, generation.computedAt);
  }

  private async load(generation: GenerationRow, p: LeaderboardParams): Promise<LeaderboardPageDto> {
    const offset = (p.page - 1) * p.limit;
    const byRank = p.sortBy === 'trader_score' && p.minTrades === DEFAULT_MIN_TRADES && p.minVolumeUsd === DEFAULT_MIN_VOLUME_USD;
    let total: number;
    let rows;
    if (byRank) {
      total = generation.eligible[p.window] ?? 0;
      rows = offset >= total ? [] : await this.repo.byScoreRank(generation.id, p.window, p.order, offset, p.limit, total);
    } else {
      [rows, total] = await Promise.all([
        this.repo.page(generation.id, p.window, p.sortBy, p.order, p.minTrades, p.minVolumeUsd, offset, p.limit),
        this.repo.count(generation.id, p.window, p.minTrades, p.minVolumeUsd),
      ]);
    }
    return {
      ...this.empty(p),
      items: rows.map((row, i) => toLeaderboardEntry(row, offset + i + 1)),
      total,
      computed_at: generation.computedAt.toISOString(),
      as_of: generation.startedAt.toISOString(),
    };
  }

  private empty(p: LeaderboardParams): LeaderboardPageDto {
    return {
      items: [],
      total: 0,
      page: p.page,
      limit: p.limit,
      computed_at: null,
      as_of: null,
      window: p.window,
      sort_by: p.sortBy,
      order: p.order,
      min_trades: p.minTrades,
      min_volume_usd: p.minVolumeUsd,
    };
  }
}
