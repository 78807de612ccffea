import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import {
  ADDRESS_PATTERN,
  IsIntInRange,
  IsIsoDateTime,
  MatchesWithMessage,
  ToInt,
  ToLowerCase,
} from '../../common/query-validators';

export const MAX_LIST_OFFSET = 100_000;

/** `{address}` path parameter. */
export class AddressParamDto {
  @ApiProperty({
    description: 'Trader address: 0x + 40 hex digits, any case (answered lower-case)',
    example: '0x0123456789abcdef0123456789abcdef01234567',
  })
  @ToLowerCase()
  @MatchesWithMessage(ADDRESS_PATTERN, 'a 0x-prefixed 40-hex-digit address')
  address!: string;
}

/** `{id}` path parameter of the legacy `/traders/{id}/events`: a numeric trader id or an address. */
export class TraderRefParamDto {
  @ApiProperty({ description: 'Numeric trader id or address', example: '42' })
  @ToLowerCase()
  @MatchesWithMessage(/^([1-9]\d{0,17}|0x[0-9a-f]{40})$/, 'a numeric trader id or a 0x-prefixed 40-hex-digit address')
  id!: string;
}

export class ListTradersQueryDto {
  @ApiPropertyOptional({
    description: 'Address prefix (case-insensitive; `0x` optional), e.g. `0xab`',
    example: '0xab',
  })
  @IsOptional()
  @ToLowerCase()
  @MatchesWithMessage(/^(0x)?[0-9a-f]{1,40}$|^0x$/, 'an address prefix of hex digits, e.g. 0xab')
  search?: string;

  @ApiPropertyOptional({ description: 'Page number (page × limit ≤ 100000)', minimum: 1, maximum: 10000, default: 1 })
  @IsOptional()
  @ToInt()
  @IsIntInRange(1, 10_000)
  page?: number;

  @ApiPropertyOptional({ description: 'Items per page', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @ToInt()
  @IsIntInRange(1, 500)
  limit?: number;
}

export class EventsQueryDto {
  @ApiPropertyOptional({ description: 'Items per page', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @ToInt()
  @IsIntInRange(1, 500)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Cursor: only events with an id below this (pass the previous page\'s `next_before`)',
    example: '1234',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MatchesWithMessage(/^[1-9]\d{0,17}$/, 'a positive integer event id')
  before?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'Start (inclusive), ISO-8601; no offset means UTC', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'End (inclusive), ISO-8601; no offset means UTC', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({
    description: 'Most points returned (the newest in the range; `truncated` tells)',
    minimum: 1,
    maximum: 10000,
    default: 2000,
  })
  @IsOptional()
  @ToInt()
  @IsIntInRange(1, 10_000)
  limit?: number;
}
