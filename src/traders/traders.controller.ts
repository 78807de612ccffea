import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses';
import { EventsPageDto, HistoryDto, PositionsDto, TraderDetailDto, TraderListDto } from './dto/trader.dto';
import { AddressParamDto, EventsQueryDto, HistoryQueryDto, ListTradersQueryDto } from './dto/traders-query.dto';
import { TradersService } from './traders.service';

@ApiTags('traders')
@Controller('api/v1/traders')
export class TradersController {
  constructor(private readonly traders: TradersService) {}

  @Get()
  @ApiOperation({
    summary: 'List traders, most recently trading first',
    description: '`search` matches an address prefix. Numeric columns are decimal strings; times are ISO-8601 UTC.',
  })
  @ApiOkResponse({ type: TraderListDto })
  @ApiErrorResponses(400, 429)
  list(@Query() query: ListTradersQueryDto): Promise<TraderListDto> {
    return this.traders.list(query);
  }

  @Get(':address')
  @ApiOperation({
    summary: 'One trader: first/last seen, last tracked, account value, open positions, leaderboard metrics and rank',
  })
  @ApiOkResponse({ type: TraderDetailDto })
  @ApiErrorResponses(400, 404, 429)
  detail(@Param() params: AddressParamDto): Promise<TraderDetailDto> {
    return this.traders.detail(params.address);
  }

  @Get(':address/positions')
  @ApiOperation({ summary: 'Current positions from the last snapshot (advanced by the trade stream)' })
  @ApiOkResponse({ type: PositionsDto })
  @ApiErrorResponses(400, 404, 429)
  positions(@Param() params: AddressParamDto): Promise<PositionsDto> {
    return this.traders.positions(params.address);
  }

  @Get(':address/events')
  @ApiOperation({ summary: 'The trader\'s position changes, newest first (cursor: `before` = next_before)' })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiErrorResponses(400, 404, 429)
  events(@Param() params: AddressParamDto, @Query() query: EventsQueryDto): Promise<EventsPageDto> {
    return this.traders.events(params.address, query);
  }

  @Get(':address/history')
  @ApiOperation({ summary: 'Account value and open notional over time, oldest first (optionally within from/to)' })
  @ApiOkResponse({ type: HistoryDto })
  @ApiErrorResponses(400, 404, 429)
  history(@Param() params: AddressParamDto, @Query() query: HistoryQueryDto): Promise<HistoryDto> {
    return this.traders.history(params.address, query);
  }
}
