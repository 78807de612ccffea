import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses';
import { EventsPageDto } from './dto/trader.dto';
import { EventsQueryDto } from './dto/traders-query.dto';
import { TradersService } from './traders.service';

@ApiTags('events')
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly traders: TradersService) {}

  @Get()
  @ApiOperation({
    summary: 'The newest position changes of all traders, newest first (cursor: `before` = next_before)',
    description: 'The same objects as the live `trade_event` messages.',
  })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiErrorResponses(400, 429)
  list(@Query() query: EventsQueryDto): Promise<EventsPageDto> {
    return this.traders.globalEvents(query);
  }
}
