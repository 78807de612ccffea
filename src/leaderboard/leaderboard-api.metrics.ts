import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** The api role's leaderboard metrics (the worker's are in leaderboard.metrics.ts). */
@Injectable()
export class LeaderboardApiMetrics {
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly cacheErrors: Counter<'op'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.cacheHits = new Counter({ name: 'leaderboard_cache_hits_total', help: 'Leaderboard pages answered from the Redis cache', registers });
    this.cacheMisses = new Counter({
      name: 'leaderboard_cache_misses_total',
      help: 'Leaderboard pages read from PostgreSQL (not cached, expired, or the cache unavailable)',
      registers,
    });
    this.cacheErrors = new Counter({
      name: 'leaderboard_cache_errors_total',
      help: 'Cache reads/writes that failed or timed out (the request fell back to PostgreSQL)',
      labelNames: ['op'],
      registers,
    });
  }
}
