import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const LEADERBOARD_WINDOWS = ['1d', '7d', '30d', 'all'] as const;
export type LeaderboardWindow = (typeof LEADERBOARD_WINDOWS)[number];

export interface TraderMetricsRow {
  /** null: a generation exists but the trader is in none of its windows. */
  window: LeaderboardWindow | null;
  computed_at: Date;
  rank: string;
  trader_score: number;
  win_rate: number | null;
  total_volume_usd: string;
  account_age_days: number;
  avg_risk_ratio: number | null;
  max_drawdown: number | null;
  max_profit_usd: string | null;
  max_loss_usd: string | null;
  realized_pnl_usd: string | null;
  account_value_usd: string | null;
  roi: number | null;
  profit_factor: number | null;
  trades_count: number;
}

/**
 * A trader's rows in the newest finished leaderboard generation, one per window it is ranked in
 * (one row with a null window when it is in none; no rows before the first generation), with its rank (1 + traders scoring higher in that window). Kept apart so the leaderboard's owner
 * can align it with how the leaderboard itself ranks (filters, tie-breaks).
 */
@Injectable()
export class TraderMetricsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async latestFor(traderId: string): Promise<TraderMetricsRow[]> {
    return this.db.query(
      `WITH g AS (
         SELECT id, computed_at FROM leaderboard_generations
          WHERE computed_at IS NOT NULL
          ORDER BY id DESC
          LIMIT 1
       )
       SELECT m."window", g.computed_at,
              (SELECT count(*) + 1 FROM leaderboard_metrics o
                WHERE o.generation = m.generation AND o."window" = m."window"
                  AND o.trader_score > m.trader_score) AS rank,
              m.trader_score, m.win_rate, m.total_volume_usd::text AS total_volume_usd, m.account_age_days,
              m.avg_risk_ratio, m.max_drawdown, m.max_profit_usd::text AS max_profit_usd,
              m.max_loss_usd::text AS max_loss_usd, m.realized_pnl_usd::text AS realized_pnl_usd,
              m.account_value_usd::text AS account_value_usd, m.roi, m.profit_factor, m.trades_count
         FROM g
         LEFT JOIN leaderboard_metrics m ON m.generation = g.id AND m.trader_id = $1`,
      [traderId],
    );
  }
}
