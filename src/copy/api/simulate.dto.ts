import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { FollowSettingsDto } from './copy.dto';

export const SIMULATE_WINDOWS = ['7d', '30d', 'all'] as const;
export type SimulateWindow = (typeof SIMULATE_WINDOWS)[number];

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

/** POST /api/v1/copy/simulate: a leader and the settings a follow of it would have. */
export class SimulateDto extends FollowSettingsDto {
  @ApiProperty({ example: '0x89abcdef0123456789abcdef0123456789abcdef', description: 'The leader (a known, non-vault trader)' })
  @Transform(lower)
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'leader must be 0x followed by 40 hex digits' })
  leader!: string;

  @ApiPropertyOptional({ example: 10000, default: 10000, description: "The follower's starting equity" })
  @IsOptional()
  @IsNumber({}, { message: 'equity_usd must be a number from 1 to 1e12' })
  @Min(1, { message: 'equity_usd must be a number from 1 to 1e12' })
  @Max(1e12, { message: 'equity_usd must be a number from 1 to 1e12' })
  equity_usd?: number;

  @ApiPropertyOptional({ enum: SIMULATE_WINDOWS, default: '30d', description: 'Which of the stored fills are replayed' })
  @IsOptional()
  @IsIn(SIMULATE_WINDOWS, { message: `window must be one of ${SIMULATE_WINDOWS.join(', ')}` })
  window?: SimulateWindow;

  @ApiPropertyOptional({ default: false, description: 'Enter the positions the leader holds when the window starts (otherwise they are left alone until closed)' })
  @IsOptional()
  @IsBoolean({ message: 'copy_open_positions must be true or false' })
  copy_open_positions?: boolean;
}

export class SimulatedPositionDto {
  @ApiProperty({ example: 'ETH' })
  coin!: string;

  @ApiProperty({ example: 0.5, description: 'Signed size (negative: short)' })
  size!: number;

  @ApiProperty({ example: 3400.2 })
  entry_price!: number;

  @ApiProperty({ example: 3550, description: "The leader's last fill price in the coin" })
  mark_price!: number;
}

export class SimulateResultDto {
  @ApiProperty({ example: '0x89abcdef0123456789abcdef0123456789abcdef' })
  leader!: string;

  @ApiProperty({ enum: SIMULATE_WINDOWS, example: '30d' })
  window!: SimulateWindow;

  @ApiProperty({ example: '2026-11-07T12:00:00.000Z', nullable: true, type: String, description: 'Where the replay starts (exclusive); null: at the first stored fill' })
  from!: string | null;

  @ApiProperty({ example: '2026-12-07T12:00:00.000Z' })
  to!: string;

  @ApiProperty({ example: 10000 })
  equity_usd!: number;

  @ApiProperty({
    example: [
      [1762516800000, 10000],
      [1765108800000, 10412.5],
    ],
    description: '[epoch ms, equity USD] after each replayed step, thinned to about 1,000 points (each stretch keeps its low and high)',
    type: 'array',
    items: { type: 'array', items: { type: 'number' } },
  })
  equity_curve!: Array<[number, number]>;

  @ApiProperty({ example: 412.5, description: 'Final equity − equity_usd (realized + unrealized − fees)' })
  pnl_usd!: number;

  @ApiProperty({ example: 8.2, description: 'Largest fall of equity below its running peak, percent' })
  max_drawdown_pct!: number;

  @ApiProperty({ example: 37, description: 'Orders the copy would have sent (all fill on paper)' })
  orders!: number;

  @ApiProperty({ example: 21.4, description: 'Paper taker fees (PAPER_TAKER_FEE_BPS)' })
  fees_usd!: number;

  @ApiProperty({ example: 380.1 })
  realized_pnl_usd!: number;

  @ApiProperty({ example: 53.8, description: "Open positions marked at the leader's last fill price" })
  unrealized_pnl_usd!: number;

  @ApiProperty({ example: 4, description: 'Decisions not sent: under the $10 minimum or the lot size' })
  skipped_orders!: number;

  @ApiProperty({ example: 512, description: 'Leader fills replayed' })
  leader_fills!: number;

  @ApiProperty({ example: false, description: 'The window held more fills than one backtest replays: only the newest were (`from` says where they start)' })
  truncated!: boolean;

  @ApiProperty({ example: false, description: 'max_loss_usd was reached: the copy closed its positions and stopped' })
  stopped!: boolean;

  @ApiProperty({ type: [SimulatedPositionDto], description: 'Held at the end' })
  positions!: SimulatedPositionDto[];
}
