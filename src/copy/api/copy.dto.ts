import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { SIDES, SIZINGS } from '../domain/sizing';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const KEY = /^0x[0-9a-fA-F]{64}$/;
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const positive = (field: string) => ({ message: `${field} must be a number greater than 0` });

export class CreateFollowerDto {
  @ApiProperty({ example: '0x0123456789abcdef0123456789abcdef01234567', description: 'The Hyperliquid account that trades (the master)' })
  @Transform(lower)
  @Matches(ADDRESS, { message: 'address must be 0x followed by 40 hex digits' })
  address!: string;

  @ApiProperty({ enum: ['paper', 'live'] })
  @IsIn(['paper', 'live'], { message: 'mode must be paper or live' })
  mode!: 'paper' | 'live';

  @ApiPropertyOptional({ description: 'live: the private key of an agent (API wallet) approved for `address`; never returned', example: '0x…64 hex' })
  @IsOptional()
  @Matches(KEY, { message: 'agent_private_key must be 0x followed by 64 hex digits' })
  agent_private_key?: string;

  @ApiPropertyOptional({ example: 10000, description: 'paper: starting equity (default 10,000)' })
  @IsOptional()
  @IsNumber({}, positive('paper_equity_usd'))
  @Min(1, { message: 'paper_equity_usd must be at least 1' })
  @Max(1e12, { message: 'paper_equity_usd must be at most 1e12' })
  paper_equity_usd?: number;

  @ApiPropertyOptional({ example: 25, description: 'Stop (and close) when equity falls this far below its peak, in percent' })
  @IsOptional()
  @IsNumber({}, positive('max_drawdown_pct'))
  @Min(0.01, { message: 'max_drawdown_pct must be from 0.01 to 100' })
  @Max(100, { message: 'max_drawdown_pct must be from 0.01 to 100' })
  max_drawdown_pct?: number;

  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @MinLength(1, { message: 'name must be 1 to 100 characters' })
  @MaxLength(100, { message: 'name must be 1 to 100 characters' })
  name?: string;
}

export class PatchFollowerDto {
  @ApiPropertyOptional({ enum: ['active', 'paused'] })
  @IsOptional()
  @IsIn(['active', 'paused'], { message: 'status must be active or paused' })
  status?: 'active' | 'paused';

  @ApiPropertyOptional({ example: 25, nullable: true })
  @IsOptional()
  @IsNumber({}, positive('max_drawdown_pct'))
  @Min(0.01, { message: 'max_drawdown_pct must be from 0.01 to 100' })
  @Max(100, { message: 'max_drawdown_pct must be from 0.01 to 100' })
  max_drawdown_pct?: number;

  @ApiPropertyOptional({ description: 'live: a new agent key (checked like at creation)' })
  @IsOptional()
  @Matches(KEY, { message: 'agent_private_key must be 0x followed by 64 hex digits' })
  agent_private_key?: string;
}

export class StopFollowerDto {
  @ApiProperty({ example: true, description: 'Also close the copied positions' })
  @IsBoolean({ message: 'close_positions must be true or false' })
  close_positions!: boolean;
}

/** Settings of a follow (create: every field optional but `leader`; patch: every field optional). */
export class FollowSettingsDto {
  @ApiPropertyOptional({ enum: SIZINGS, default: 'proportional' })
  @IsOptional()
  @IsIn(SIZINGS, { message: `sizing must be one of ${SIZINGS.join(', ')}` })
  sizing?: (typeof SIZINGS)[number];

  @ApiPropertyOptional({ example: 1, description: 'proportional: scale on leader size × follower equity / leader equity' })
  @IsOptional()
  @IsNumber({}, positive('multiplier'))
  @Min(Number.MIN_VALUE, positive('multiplier'))
  @Max(1000, { message: 'multiplier must be at most 1000' })
  multiplier?: number;

  @ApiPropertyOptional({ example: 0.1, description: 'fixed_ratio: follower size per leader size' })
  @IsOptional()
  @IsNumber({}, positive('ratio'))
  @Min(Number.MIN_VALUE, positive('ratio'))
  ratio?: number;

  @ApiPropertyOptional({ example: 500, description: 'fixed_notional: USD per position at the leader\'s open' })
  @IsOptional()
  @IsNumber({}, positive('notional_usd'))
  @Min(Number.MIN_VALUE, positive('notional_usd'))
  notional_usd?: number;

  @ApiPropertyOptional({ example: 10 })
  @IsOptional()
  @IsInt({ message: 'max_leverage must be an integer from 1 to 100' })
  @Min(1, { message: 'max_leverage must be an integer from 1 to 100' })
  @Max(100, { message: 'max_leverage must be an integer from 1 to 100' })
  max_leverage?: number;

  @ApiPropertyOptional({ example: 5000 })
  @IsOptional()
  @IsNumber({}, positive('max_position_usd'))
  @Min(Number.MIN_VALUE, positive('max_position_usd'))
  max_position_usd?: number;

  @ApiPropertyOptional({ example: 20000 })
  @IsOptional()
  @IsNumber({}, positive('max_total_usd'))
  @Min(Number.MIN_VALUE, positive('max_total_usd'))
  max_total_usd?: number;

  @ApiPropertyOptional({ example: 1000, description: 'Stop this follow (and close what it holds) at this loss' })
  @IsOptional()
  @IsNumber({}, positive('max_loss_usd'))
  @Min(Number.MIN_VALUE, positive('max_loss_usd'))
  max_loss_usd?: number;

  @ApiPropertyOptional({ example: ['BTC', 'ETH'] })
  @IsOptional()
  @IsArray({ message: 'coins_allow must be an array of coin names' })
  @ArrayMaxSize(500, { message: 'coins_allow must have at most 500 coins' })
  @Matches(/^[A-Za-z0-9:@/_-]{1,32}$/, { each: true, message: 'coins_allow must hold coin names' })
  coins_allow?: string[];

  @ApiPropertyOptional({ example: ['DOGE'] })
  @IsOptional()
  @IsArray({ message: 'coins_deny must be an array of coin names' })
  @ArrayMaxSize(500, { message: 'coins_deny must have at most 500 coins' })
  @Matches(/^[A-Za-z0-9:@/_-]{1,32}$/, { each: true, message: 'coins_deny must hold coin names' })
  coins_deny?: string[];

  @ApiPropertyOptional({ enum: SIDES, default: 'both' })
  @IsOptional()
  @IsIn(SIDES, { message: `sides must be one of ${SIDES.join(', ')}` })
  sides?: (typeof SIDES)[number];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'reverse must be true or false' })
  reverse?: boolean;

  @ApiPropertyOptional({ example: 50, description: 'Entries: IOC limit distance from the latest price (default COPY_DEFAULT_SLIPPAGE_BPS)' })
  @IsOptional()
  @IsInt({ message: 'slippage_bps must be an integer from 1 to 1000' })
  @Min(1, { message: 'slippage_bps must be an integer from 1 to 1000' })
  @Max(1000, { message: 'slippage_bps must be an integer from 1 to 1000' })
  slippage_bps?: number;

  @ApiPropertyOptional({ example: 5, default: 5 })
  @IsOptional()
  @IsNumber({}, { message: 'rebalance_band_pct must be a number from 0 to 100' })
  @Min(0, { message: 'rebalance_band_pct must be a number from 0 to 100' })
  @Max(100, { message: 'rebalance_band_pct must be a number from 0 to 100' })
  rebalance_band_pct?: number;
}

export class CreateFollowDto extends FollowSettingsDto {
  @ApiProperty({ example: '0x89abcdef0123456789abcdef0123456789abcdef' })
  @Transform(lower)
  @Matches(ADDRESS, { message: 'leader must be 0x followed by 40 hex digits' })
  leader!: string;

  @ApiPropertyOptional({ default: false, description: "Enter the leader's current positions at once (otherwise only changes from now on)" })
  @IsOptional()
  @IsBoolean({ message: 'copy_open_positions must be true or false' })
  copy_open_positions?: boolean;
}

export class PatchFollowDto extends FollowSettingsDto {}

export class DeleteFollowQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Also close what this follow holds' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'close must be true or false' })
  close?: 'true' | 'false';
}

export class OrdersQueryDto {
  @ApiPropertyOptional({ example: 50, description: '1..500' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer from 1 to 500' })
  @Min(1, { message: 'limit must be an integer from 1 to 500' })
  @Max(500, { message: 'limit must be an integer from 1 to 500' })
  limit?: number;

  @ApiPropertyOptional({ description: 'journal row id: rows older than it' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be a journal row id' })
  before?: string;

  @ApiPropertyOptional({ enum: ['pending', 'sent', 'filled', 'partially_filled', 'rejected', 'failed', 'skipped'] })
  @IsOptional()
  @IsIn(['pending', 'sent', 'filled', 'partially_filled', 'rejected', 'failed', 'skipped'], {
    message: 'status must be one of pending, sent, filled, partially_filled, rejected, failed, skipped',
  })
  status?: 'pending' | 'sent' | 'filled' | 'partially_filled' | 'rejected' | 'failed' | 'skipped';
}
