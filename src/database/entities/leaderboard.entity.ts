import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One leaderboard computation; readers use the newest finished generation only. */
@Entity({ name: 'leaderboard_generations' })
export class LeaderboardGenerationEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'computed_at', type: 'timestamptz', nullable: true })
  computedAt!: Date | null;

  @Column({ name: 'trader_count', type: 'integer', default: 0 })
  traderCount!: number;

  /** Eligible traders per window. */
  @Column({ name: 'eligible_counts', type: 'jsonb', default: () => "'{}'::jsonb" })
  eligibleCounts!: Record<string, number>;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;
}

/**
 * One trader in one window of one generation. The table is partitioned by generation (then by
 * window); each generation's table is written whole by the leaderboard run (see
 * leaderboard-compute.repository.ts), never through this entity.
 */
@Entity({ name: 'leaderboard_metrics' })
export class LeaderboardMetricEntity {
  @PrimaryColumn({ type: 'bigint' })
  generation!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  window!: string;

  @PrimaryColumn({ name: 'trader_id', type: 'bigint' })
  traderId!: string;

  @Column({ type: 'varchar', length: 42 })
  address!: string;

  /** Meets the score population's minimums in this window. */
  @Column({ type: 'boolean' })
  eligible!: boolean;

  /** Rank by trader_score among the window's eligible traders (1 = best); null when not eligible. */
  @Column({ name: 'score_rank', type: 'integer', nullable: true })
  scoreRank!: number | null;

  @Column({ name: 'trader_score', type: 'double precision' })
  traderScore!: number;

  @Column({ name: 'account_age_days', type: 'integer' })
  accountAgeDays!: number;

  @Column({ name: 'total_volume_usd', type: 'numeric' })
  totalVolumeUsd!: string;

  @Column({ name: 'trades_count', type: 'integer' })
  tradesCount!: number;

  @Column({ name: 'win_rate', type: 'double precision', nullable: true })
  winRate!: number | null;

  @Column({ name: 'avg_risk_ratio', type: 'double precision', nullable: true })
  avgRiskRatio!: number | null;

  @Column({ name: 'max_drawdown', type: 'double precision', nullable: true })
  maxDrawdown!: number | null;

  @Column({ name: 'max_profit_usd', type: 'numeric', nullable: true })
  maxProfitUsd!: string | null;

  @Column({ name: 'max_loss_usd', type: 'numeric', nullable: true })
  maxLossUsd!: string | null;

  @Column({ name: 'realized_pnl_usd', type: 'numeric', nullable: true })
  realizedPnlUsd!: string | null;

  @Column({ name: 'account_value_usd', type: 'numeric', nullable: true })
  accountValueUsd!: string | null;

  @Column({ type: 'double precision', nullable: true })
  roi!: number | null;

  @Column({ name: 'profit_factor', type: 'double precision', nullable: true })
  profitFactor!: number | null;

  /** Completeness of the metric groups for the window (see leaderboard-fields.ts). */
  @Column({ name: 'cov_volume', type: 'boolean' })
  covVolume!: boolean;

  @Column({ name: 'cov_pnl', type: 'boolean' })
  covPnl!: boolean;

  @Column({ name: 'cov_account', type: 'boolean' })
  covAccount!: boolean;

  @Column({ name: 'cov_risk', type: 'boolean' })
  covRisk!: boolean;

  @Column({ name: 'cov_age', type: 'boolean' })
  covAge!: boolean;

  /** Risk-adjusted score (copy-score.ts) and the risk figures (risk-metrics.ts). */
  @Column({ name: 'copy_score', type: 'double precision', nullable: true })
  copyScore!: number | null;

  @Column({ name: 'sharpe_ratio', type: 'double precision', nullable: true })
  sharpeRatio!: number | null;

  @Column({ name: 'sortino_ratio', type: 'double precision', nullable: true })
  sortinoRatio!: number | null;

  @Column({ name: 'avg_holding_hours', type: 'double precision', nullable: true })
  avgHoldingHours!: number | null;

  @Column({ name: 'profitable_days_share', type: 'double precision', nullable: true })
  profitableDaysShare!: number | null;

  @Column({ name: 'profitable_weeks_share', type: 'double precision', nullable: true })
  profitableWeeksShare!: number | null;

  @Column({ name: 'avg_leverage', type: 'double precision', nullable: true })
  avgLeverage!: number | null;

  @Column({ name: 'trades_per_day', type: 'double precision', nullable: true })
  tradesPerDay!: number | null;

  @Column({ name: 'days_since_last_trade', type: 'double precision', nullable: true })
  daysSinceLastTrade!: number | null;

  /** The window's volume / PnL / ROI are the exchange's leaderboard figures. */
  @Column({ name: 'exchange_reported', type: 'boolean', default: false })
  exchangeReported!: boolean;
}
