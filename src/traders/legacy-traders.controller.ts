import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses';
import { EventsPageDto, TraderListDto } from './dto/trader.dto';
import { EventsQueryDto, ListTradersQueryDto, TraderRefParamDto } from './dto/traders-query.dto';
import { TradersService } from './traders.service';

/** The seed's routes, kept for its clients: same answers as their /api/v1 counterparts. */
@ApiTags('legacy')
@Controller('traders')
export class LegacyTradersController {
  constructor(private readonly traders: TradersService) {}

  @Get()
  @ApiOperation({ summary: 'Legacy alias of GET /api/v1/traders', deprecated: true })
  @ApiOkResponse({ type: TraderListDto })
  @ApiErrorResponses(400, 429)
  list(@Query() query: ListTradersQueryDto): Promise<TraderListDto> {
    return this.traders.list(query);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Legacy: a trader\'s events by numeric id or address (as GET /api/v1/traders/{address}/events)',
    deprecated: true,
  })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiErrorResponses(400, 404, 429)
  events(@Param() params: TraderRefParamDto, @Query() query: EventsQueryDto): Promise<EventsPageDto> {
    return this.traders.eventsByRef(params.id, query);
  }
}
