import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TraderLeaderboardDto } from '../../leaderboard/dto/leaderboard.dto';

const DECIMAL = 'Decimal string (a PostgreSQL numeric, exact)';
const ADDRESS_EXAMPLE = '0x0123456789abcdef0123456789abcdef01234567';
const TIME_EXAMPLE = '2026-01-31T12:00:00.000Z';

export class TraderSummaryDto {
  @ApiProperty({ example: 42 })
  id!: number;

  @ApiProperty({ example: ADDRESS_EXAMPLE, description: 'Lower-case' })
  address!: string;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'First seen in the public trade stream (null only when the stored value is unreadable)' })
  first_seen_at!: string | null;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'Last trade seen in the stream' })
  last_seen_trading_at!: string | null;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'Last clearinghouseState snapshot' })
  last_tracked_at!: string | null;

  @ApiProperty({ example: true })
  is_active!: boolean;

  @ApiProperty({ example: false, description: 'A vault (HLP and others)' })
  is_vault!: boolean;

  @ApiProperty({ example: '125034.50', nullable: true, type: String, description: `${DECIMAL}; USD, from the last snapshot` })
  account_value!: string | null;

  @ApiProperty({ example: 311, description: 'Public trades seen for this address' })
  trades_seen!: number;
}

export class TraderListDto {
  @ApiProperty({ type: [TraderSummaryDto] })
  items!: TraderSummaryDto[];

  @ApiProperty({
    example: 1834,
    description: 'Matching traders (without `search`, above one million it is the planner\'s estimate)',
  })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 50 })
  limit!: number;
}

export class PositionDto {
  @ApiProperty({ example: 'BTC' })
  coin!: string;

  @ApiProperty({ example: '-0.25', description: `${DECIMAL}; signed size (negative = short)` })
  size!: string;

  @ApiProperty({ example: 'short', enum: ['long', 'short'] })
  side!: 'long' | 'short';

  @ApiProperty({ example: '97250.5', nullable: true, type: String, description: DECIMAL })
  entry_price!: string | null;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'Last change (snapshot or stream; null only when the stored value is unreadable)' })
  updated_at!: string | null;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'When a snapshot last confirmed it' })
  confirmed_at!: string | null;
}

export class PositionsDto {
  @ApiProperty({ example: ADDRESS_EXAMPLE })
  address!: string;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String })
  last_tracked_at!: string | null;

  @ApiProperty({ type: [PositionDto] })
  positions!: PositionDto[];
}

export class TraderDetailDto extends TraderSummaryDto {
  @ApiProperty({
    example: 'user',
    nullable: true,
    type: String,
    description: 'The exchange\'s userRole (user, vault, subAccount, agent, missing) once looked up',
  })
  role!: string | null;

  @ApiProperty({
    example: 3,
    nullable: true,
    type: Number,
    description: 'Rank by trader_score on the all-time leaderboard; null when not on it or not eligible',
  })
  rank!: number | null;

  @ApiProperty({
    type: TraderLeaderboardDto,
    nullable: true,
    description: 'Per leaderboard window (null when not on it), from the newest finished generation; null before the first one',
  })
  metrics!: TraderLeaderboardDto | null;

  @ApiProperty({ type: [PositionDto], description: 'Open positions from the last snapshot (advanced by the stream)' })
  open_positions!: PositionDto[];
}

export class HistoryPointDto {
  @ApiProperty({ example: TIME_EXAMPLE })
  time!: string;

  @ApiProperty({ example: '125034.5', description: `${DECIMAL}; USD` })
  account_value!: string;

  @ApiProperty({ example: '250000', description: `${DECIMAL}; total notional of open positions, USD` })
  total_ntl_pos!: string;
}

export class HistoryDto {
  @ApiProperty({ example: ADDRESS_EXAMPLE })
  address!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', nullable: true, type: String })
  from!: string | null;

  @ApiProperty({ example: '2026-01-31T23:59:59.000Z', nullable: true, type: String })
  to!: string | null;

  @ApiProperty({ type: [HistoryPointDto], description: 'Oldest first' })
  points!: HistoryPointDto[];

  @ApiProperty({ example: false, description: 'More points exist in the range than `limit` (the newest are returned)' })
  truncated!: boolean;
}

export class TradeEventDetailsDto {
  @ApiProperty({ example: 'BTC' })
  coin!: string;

  @ApiProperty({ example: '0', description: DECIMAL })
  previous_size!: string;

  @ApiProperty({ example: '0.25', description: DECIMAL })
  current_size!: string;

  @ApiProperty({ example: '0.25', description: DECIMAL })
  size_change!: string;

  @ApiProperty({ example: 'long', enum: ['long', 'short'] })
  side!: 'long' | 'short';

  @ApiProperty({ example: '97250.5', nullable: true, type: String, description: DECIMAL })
  entry_price!: string | null;

  @ApiPropertyOptional({ example: '97301', description: DECIMAL })
  mark_price?: string;

  @ApiProperty({ example: 'stream', enum: ['stream', 'snapshot'], description: 'Derived from the public trade stream, or seen in a snapshot' })
  source!: 'stream' | 'snapshot';
}

export class TradeEventDto {
  @ApiProperty({ example: 1234 })
  id!: number;

  @ApiProperty({ example: 42 })
  trader_id!: number;

  @ApiProperty({ example: ADDRESS_EXAMPLE })
  trader_address!: string;

  @ApiProperty({ example: TIME_EXAMPLE, nullable: true, type: String, description: 'Null only when the stored value is unreadable' })
  timestamp!: string | null;

  @ApiProperty({
    example: 'position_opened',
    enum: ['position_opened', 'position_closed', 'position_increased', 'position_decreased', 'position_flipped'],
  })
  event_type!: string;

  @ApiProperty({ type: TradeEventDetailsDto })
  details!: TradeEventDetailsDto;
}

export class EventsPageDto {
  @ApiProperty({ type: [TradeEventDto], description: 'Newest first' })
  items!: TradeEventDto[];

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({
    example: 1185,
    nullable: true,
    type: Number,
    description: 'Pass as `before` for the next (older) page; null on the last page',
  })
  next_before!: number | null;
}
