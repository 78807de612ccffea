import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** The worker role's leaderboard metrics: runs, their duration, the board's age, enrichment. */
@Injectable()
export class LeaderboardMetrics {
  readonly duration: Histogram;
  readonly runs: Counter<'result'>;
  readonly enrichRequests: Counter<'type'>;
  readonly enrichFills: Counter;
  readonly enrichPoints: Counter;
  readonly enrichTraders: Counter<'result'>;

  constructor(registry: Registry, @InjectDataSource() db: DataSource) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'leaderboard_recompute_duration_seconds',
      help: 'Wall time of a leaderboard computation (all traders, all windows)',
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300],
      registers,
    });
    this.runs = new Counter({
      name: 'leaderboard_recompute_total',
      help: 'Leaderboard computations by result (ok, failed, skipped = another worker was running one or had just finished)',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'leaderboard_generation_age_seconds',
      help: 'Age of the newest finished leaderboard generation (from its computation time); -1 when there is none',
      registers,
      async collect() {
        try {
          const rows: Array<{ age: number | null }> = await db.query(
            `SELECT extract(epoch FROM now() - started_at)::float8 AS age FROM leaderboard_generations
              WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
          );
          this.set(rows[0]?.age ?? -1);
        } catch {
          // leave the last value
        }
      },
    });
    this.enrichRequests = new Counter({
      name: 'leaderboard_enrichment_requests_total',
      help: 'Exchange requests made by enrichment (low priority in the shared budget), by type',
      labelNames: ['type'],
      registers,
    });
    this.enrichFills = new Counter({ name: 'leaderboard_enrichment_fills_total', help: 'Exchange fills stored by enrichment', registers });
    this.enrichPoints = new Counter({
      name: 'leaderboard_enrichment_portfolio_points_total',
      help: 'Portfolio history points stored by enrichment',
      registers,
    });
    this.enrichTraders = new Counter({
      name: 'leaderboard_enrichment_traders_total',
      help: 'Traders enriched, by result (ok, failed)',
      labelNames: ['result'],
      registers,
    });
  }
}
