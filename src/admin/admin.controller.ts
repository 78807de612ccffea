import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses';
import { AddressParamDto } from '../traders/dto/traders-query.dto';
import { CacheClearedDto, RecalculateQueuedDto, TrackQueuedDto } from './admin.dto';
import { AdminKeyGuard } from '../common/auth/admin-key.guard';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiSecurity('admin')
@UseGuards(AdminKeyGuard)
@Controller('api/v1')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post('admin/leaderboard/recalculate')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a leaderboard recompute (the worker picks it up; watch `leaderboard_updated`)' })
  @ApiAcceptedResponse({ type: RecalculateQueuedDto })
  @ApiErrorResponses(401, 403, 413, 429, 503)
  recalculate(): Promise<RecalculateQueuedDto> {
    return this.admin.recalculateLeaderboard();
  }

  @Post('admin/traders/:address/track')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a budgeted refresh of one trader',
    description:
      'Adds the trader to the tracking queue; a worker snapshots it within seconds, inside the exchange weight ' +
      'budget (this route never calls the exchange). Position changes arrive as `trade_event` live messages.',
  })
  @ApiAcceptedResponse({ type: TrackQueuedDto })
  @ApiErrorResponses(400, 401, 403, 404, 413, 429, 503)
  track(@Param() params: AddressParamDto): Promise<TrackQueuedDto> {
    return this.admin.track(params.address);
  }

  @Post('admin/cache/clear')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear the leaderboard cache' })
  @ApiOkResponse({ type: CacheClearedDto })
  @ApiErrorResponses(401, 403, 413, 429, 503)
  clearCache(): Promise<CacheClearedDto> {
    return this.admin.clearCache();
  }

  @Get('cache/clear')
  @ApiOperation({ summary: 'Legacy alias of POST /api/v1/admin/cache/clear (same x-api-key)', deprecated: true })
  @ApiOkResponse({ type: CacheClearedDto })
  @ApiErrorResponses(401, 403, 429, 503)
  clearCacheLegacy(): Promise<CacheClearedDto> {
    return this.admin.clearCache();
  }
}
