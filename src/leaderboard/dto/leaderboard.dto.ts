import { ApiProperty } from '@nestjs/swagger';
import { SORT_FIELDS, SORT_ORDERS, SortField, SortOrder } from '../leaderboard-fields';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from '../leaderboard-windows';

const USD = 'USD, a number rounded to cents';
const RATIO = 'a number to 6 significant digits';
const TIME_EXAMPLE = '2026-01-31T12:00:00.000Z';

/** Whether each metric is complete for the window (false: only what the service has seen so far). */
export class CoverageDto {
  @ApiProperty({ example: false, description: 'PnL and the account series cover the window' })
  copy_score!: boolean;
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
  @ApiProperty({ example: true })
  sharpe_ratio!: boolean;
  @ApiProperty({ example: true })
  sortino_ratio!: boolean;
  @ApiProperty({ example: true })
  avg_holding_hours!: boolean;
  @ApiProperty({ example: true })
  profitable_days_share!: boolean;
  @ApiProperty({ example: true })
  profitable_weeks_share!: boolean;
  @ApiProperty({ example: false })
  avg_leverage!: boolean;
  @ApiProperty({ example: true })
  trades_per_day!: boolean;
  @ApiProperty({ example: true })
  days_since_last_trade!: boolean;
}

const COPY_SCORE_DOC =
  'The risk-adjusted score a follower should rank by (the default sort; see the README): g = ln(1 + roi); a loss or ' +
  'nothing (g ≤ 0) scores g itself, so every loser ranks below every winner; a gain scores g / max(max_drawdown, 0.05) ' +
  '× min(1, account_age_days / 14) × min(1, trades_count / 20) × 0.5^(max(0, days_since_last_trade − 3) / 7) ' +
  '× h / (h + 50 s) (h = average holding time; the copy latency eats a scalper\'s edge) × min(1, √(1,000,000 / average ' +
  'position USD)). Null without the window\'s account history (roi or max_drawdown unknown). ' + RATIO;

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

  @ApiProperty({ example: 2.27864, nullable: true, type: Number, description: COPY_SCORE_DOC })
  copy_score!: number | null;

  @ApiProperty({
    example: 0.8125,
    description: `The seed's weighted score in [0, 1] over metrics clipped at the window's 5th–95th percentiles (see the README); ${RATIO}`,
  })
  trader_score!: number;

  @ApiProperty({ example: 0.625, nullable: true, type: Number, description: 'Winning closes / closes with non-zero PnL − fee' })
  win_rate!: number | null;

  @ApiProperty({
    example: 1250000.5,
    description: `${USD}; Σ price × size of the trader's trades in the window (the exchange's figure when exchange_reported)`,
  })
  total_volume_usd!: number;

  @ApiProperty({ example: 311, description: 'Trades (fills) in the window' })
  trades_count!: number;

  @ApiProperty({
    example: 32000.25,
    nullable: true,
    type: Number,
    description: `${USD}; Σ closedPnl − Σ fee (the exchange's window PnL when exchange_reported); null when unknown`,
  })
  realized_pnl_usd!: number | null;

  @ApiProperty({ example: 2.1, nullable: true, type: Number, description: 'Gross profit / gross loss of closes; null without a losing close' })
  profit_factor!: number | null;

  @ApiProperty({ example: 15000, nullable: true, type: Number, description: `${USD}; best single close (PnL − fee), 0 if none won` })
  max_profit_usd!: number | null;

  @ApiProperty({ example: -4200, nullable: true, type: Number, description: `${USD}; worst single close (negative), 0 if none lost` })
  max_loss_usd!: number | null;

  @ApiProperty({ example: 125034.5, nullable: true, type: Number, description: `${USD}; latest known account value` })
  account_value_usd!: number | null;

  @ApiProperty({ example: 0.27, nullable: true, type: Number, description: 'realized_pnl_usd / account value at the window\'s start' })
  roi!: number | null;

  @ApiProperty({ example: 0.12, nullable: true, type: Number, description: 'Largest peak-to-trough fall of account value, as a fraction' })
  max_drawdown!: number | null;

  @ApiProperty({ example: 1.8, nullable: true, type: Number, description: 'Mean of total notional / account value over the snapshots' })
  avg_risk_ratio!: number | null;

  @ApiProperty({ example: 120, description: 'Days since the earliest known fill (else since first seen)' })
  account_age_days!: number;

  @ApiProperty({ example: 2.41, nullable: true, type: Number, description: `Sharpe ratio of daily returns, annualised (× √365); null with fewer than 2 returns or none varying; ${RATIO}` })
  sharpe_ratio!: number | null;

  @ApiProperty({ example: 3.9, nullable: true, type: Number, description: `Sortino ratio of daily returns (downside deviation), annualised; null without a losing day; ${RATIO}` })
  sortino_ratio!: number | null;

  @ApiProperty({ example: 6.5, nullable: true, type: Number, description: `Mean time a position was held (open to close), hours; ${RATIO}` })
  avg_holding_hours!: number | null;

  @ApiProperty({ example: 0.6, nullable: true, type: Number, description: `Share of days (UTC) with a gain among those with a change; ${RATIO}` })
  profitable_days_share!: number | null;

  @ApiProperty({ example: 0.75, nullable: true, type: Number, description: `Share of weeks (Monday–Sunday UTC) with a gain among those with a change; ${RATIO}` })
  profitable_weeks_share!: number | null;

  @ApiProperty({ example: 3.2, nullable: true, type: Number, description: `Mean total notional / account value over the snapshots holding a position; ${RATIO}` })
  avg_leverage!: number | null;

  @ApiProperty({ example: 12.5, description: `trades_count / days (the window's, or the account's age when shorter; at least 1); ${RATIO}` })
  trades_per_day!: number;

  @ApiProperty({ example: 0.4, nullable: true, type: Number, description: `Days since the trader's last known trade; null when none is known; ${RATIO}` })
  days_since_last_trade!: number | null;

  @ApiProperty({
    example: false,
    description:
      'The window\'s volume, PnL and ROI are the exchange\'s own figures (its public leaderboard file), because what the ' +
      'service has seen does not cover the window yet; trades_count is then only what was seen, and the min_trades filter does not apply',
  })
  exchange_reported!: boolean;

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

  @ApiProperty({ enum: SORT_FIELDS, example: 'copy_score' })
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
