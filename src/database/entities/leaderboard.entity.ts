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
}

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

  @Column({ name: 'trader_score', type: 'double precision', default: 0 })
  traderScore!: number;

  @Column({ name: 'account_age_days', type: 'integer', default: 0 })
  accountAgeDays!: number;

  @Column({ name: 'total_volume_usd', type: 'numeric', default: 0 })
  totalVolumeUsd!: string;

  @Column({ name: 'trades_count', type: 'integer', default: 0 })
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

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  coverage!: Record<string, unknown>;
}
