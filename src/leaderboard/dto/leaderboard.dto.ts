import { ApiProperty } from '@nestjs/swagger';
import { SORT_FIELDS, SORT_ORDERS, SortField, SortOrder } from '../leaderboard-fields';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from '../leaderboard-windows';

const DECIMAL = 'Decimal string (PostgreSQL numeric, exact)';
const TIME_EXAMPLE = '2026-01-31T12:00:00.000Z';

/** Whether each metric is complete for the window (false: only what the service has seen so far). */
export class CoverageDto {
  @ApiProperty({ example: false, description: 'All of the score\'s inputs are complete' })
  trader_score!: boolean;
  @ApiProperty({ example: true })
  win_rate!: boolean;
  @ApiProperty({ example: true, description: 'The trades ledger (or the exchange\'s fills) covers the whole window' })
  total_volume_usd!: boolean;
  @ApiProperty({ example: true })
  trades_count!: boolean;
  @ApiProperty({ example: true, description: 'Per-trade realized PnL covers the whole window' })
  realized_pnl_usd!: boolean;
  @ApiProperty({ example: true })
  profit_factor!: boolean;
  @ApiProperty({ example: true })
  max_profit_usd!: boolean;
  @ApiProperty({ example: true })
  max_loss_usd!: boolean;
  @ApiProperty({ example: true, description: 'An account value is known' })
  account_value_usd!: boolean;
  @ApiProperty({ example: true, description: 'PnL and the account value at the window\'s start are both known' })
  roi!: boolean;
  @ApiProperty({ example: true, description: 'The account value series starts at or before the window\'s start' })
  max_drawdown!: boolean;
  @ApiProperty({ example: false, description: 'Position snapshots start at or before the window\'s start' })
  avg_risk_ratio!: boolean;
  @ApiProperty({ example: false, description: 'The trader\'s whole fill history is known' })
  account_age_days!: boolean;
}

/** One trader's metrics in one window. */
export class LeaderboardEntryDto {
  @ApiProperty({
    example: 1,
    nullable: true,
    type: Number,
    description:
      'In a list: the position in the requested order (1 = first). In a trader\'s detail: the rank by trader_score among ' +
      'the window\'s eligible traders (null when not eligible)',
  })
  rank!: number | null;

  @ApiProperty({ example: '0x0123456789abcdef0123456789abcdef01234567', description: 'Lower-case' })
  address!: string;

  @ApiProperty({ example: 42 })
  trader_id!: number;

  @ApiProperty({
    example: 0.8125,
    description: 'Weighted score in [0, 1] over metrics clipped at the window\'s 5th–95th percentiles (see the README)',
  })
  trader_score!: number;

  @ApiProperty({ example: 0.625, nullable: true, type: Number, description: 'Winning closes / closes with non-zero PnL − fee' })
  win_rate!: number | null;

  @ApiProperty({ example: '1250000.5', description: `${DECIMAL}; Σ price × size of the trader's trades in the window` })
  total_volume_usd!: string;

  @ApiProperty({ example: 311, description: 'Trades (fills) in the window' })
  trades_count!: number;

  @ApiProperty({ example: '32000.25', nullable: true, type: String, description: `${DECIMAL}; Σ closedPnl − Σ fee; null when unknown` })
  realized_pnl_usd!: string | null;

  @ApiProperty({ example: 2.1, nullable: true, type: Number, description: 'Gross profit / gross loss of closes; null without a losing close' })
  profit_factor!: number | null;

  @ApiProperty({ example: '15000', nullable: true, type: String, description: `${DECIMAL}; best single close (PnL − fee), 0 if none won` })
  max_profit_usd!: string | null;

  @ApiProperty({ example: '-4200', nullable: true, type: String, description: `${DECIMAL}; worst single close (negative), 0 if none lost` })
  max_loss_usd!: string | null;

  @ApiProperty({ example: '125034.5', nullable: true, type: String, description: `${DECIMAL}; latest known account value` })
  account_value_usd!: string | null;

  @ApiProperty({ example: 0.27, nullable: true, type: Number, description: 'realized_pnl_usd / account value at the window\'s start' })
  roi!: number | null;

  @ApiProperty({ example: 0.12, nullable: true, type: Number, description: 'Largest peak-to-trough fall of account value, as a fraction' })
  max_drawdown!: number | null;

  @ApiProperty({ example: 1.8, nullable: true, type: Number, description: 'Mean of total notional / account value over the snapshots' })
  avg_risk_ratio!: number | null;

  @ApiProperty({ example: 120, description: 'Days since the earliest known fill (else since first seen)' })
  account_age_days!: number;

  @ApiProperty({ example: true, description: 'Meets the score population\'s minimums (10 trades, 100 USD) in the window' })
  eligible!: boolean;

  @ApiProperty({ type: CoverageDto })
  coverage!: CoverageDto;
}

export class LeaderboardPageDto {
  @ApiProperty({ type: [LeaderboardEntryDto] })
  items!: LeaderboardEntryDto[];

  @ApiProperty({ example: 1834, description: 'Traders matching the filters in this window' })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'When the generation read was computed; null before the first' })
  computed_at!: string | null;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'The time the windows end at' })
  as_of!: string | null;

  @ApiProperty({ enum: LEADERBOARD_WINDOWS, example: 'all' })
  window!: LeaderboardWindow;

  @ApiProperty({ enum: SORT_FIELDS, example: 'trader_score' })
  sort_by!: SortField;

  @ApiProperty({ enum: SORT_ORDERS, example: 'desc' })
  order!: SortOrder;

  @ApiProperty({ example: 10 })
  min_trades!: number;

  @ApiProperty({ example: 100 })
  min_volume_usd!: number;
}

/** A trader's metrics in the newest generation, per window (null where the trader is not on the board). */
export class TraderLeaderboardDto {
  @ApiProperty({ example: TIME_EXAMPLE })
  computed_at!: string;

  @ApiProperty({ example: TIME_EXAMPLE })
  as_of!: string;

  @ApiProperty({ type: LeaderboardEntryDto, nullable: true })
  '1d'!: LeaderboardEntryDto | null;

  @ApiProperty({ type: LeaderboardEntryDto, nullable: true })
  '7d'!: LeaderboardEntryDto | null;

  @ApiProperty({ type: LeaderboardEntryDto, nullable: true })
  '30d'!: LeaderboardEntryDto | null;

  @ApiProperty({ type: LeaderboardEntryDto, nullable: true })
  all!: LeaderboardEntryDto | null;
}
