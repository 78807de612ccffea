import { Injectable } from '@nestjs/common';
import { LeaderboardParams } from './dto/leaderboard-query.dto';
import { LeaderboardPageDto } from './dto/leaderboard.dto';
import { LeaderboardApiMetrics } from './leaderboard-api.metrics';
import { LeaderboardCache } from './leaderboard-cache.service';
import { toLeaderboardEntry } from './leaderboard-entry';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from './leaderboard-fields';
import { LeaderboardGenerations } from './leaderboard-generation.service';
import { GenerationRow, LeaderboardReadRepository } from './leaderboard-read.repository';

/** Pages kept in process memory in front of Redis (hot pages skip the Redis round trip). */
const LOCAL_TTL_MS = 1000;
const LOCAL_MAX = 1000;

/**
 * Leaderboard pages: from the cache when there (a one-second in-process copy in front of Redis,
 * so hot pages do not even pay the Redis round trip; an admin cache clear takes effect within that
 * second), else from the newest generation in PostgreSQL (concurrent misses of one page share one
 * query), then cached in Redis for LEADERBOARD_CACHE_TTL_SECONDS.
 */
@Injectable()
export class LeaderboardQueryService {
  private readonly loading = new Map<string, Promise<string>>();
  private readonly local = new Map<string, { json: string; until: number }>();

  constructor(
    private readonly repo: LeaderboardReadRepository,
    private readonly generations: LeaderboardGenerations,
    private readonly cache: LeaderboardCache,
    private readonly metrics: LeaderboardApiMetrics,
  ) {}

  /** The page as JSON text (what is cached and sent). */
  async page(params: LeaderboardParams): Promise<string> {
    const generation = await this.generations.latest();
    if (!generation) return JSON.stringify(this.empty(params));
    const key = this.cache.key(generation.id, params);
    const now = Date.now();
    const hot = this.local.get(key);
    if (hot && hot.until > now) {
      this.metrics.cacheHits.inc();
      return hot.json;
    }
    const cached = await this.cache.get(key);
    if (cached !== null) {
      this.metrics.cacheHits.inc();
      this.keep(key, cached, now);
      return cached;
    }
    this.metrics.cacheMisses.inc();
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(generation, params)
        .then((page) => {
          const json = JSON.stringify(page);
          this.cache.set(key, json);
          this.keep(key, json, Date.now());
          return json;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private keep(key: string, json: string, now: number): void {
    if (this.local.size >= LOCAL_MAX) {
      for (const [k, v] of this.local) if (v.until <= now) this.local.delete(k);
      if (this.local.size >= LOCAL_MAX) this.local.delete(this.local.keys().next().value!);
    }
    this.local.set(key, { json, until: now + LOCAL_TTL_MS });
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
