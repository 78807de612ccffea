import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { leaderboardParams, LeaderboardQueryDto } from './dto/leaderboard-query.dto';
import { LeaderboardPageDto } from './dto/leaderboard.dto';
import { LeaderboardQueryService } from './leaderboard-query.service';

const DESCRIPTION =
  'Traders ranked over a time window (`1d`, `7d`, `30d`, `all`), from the newest leaderboard generation (recomputed ' +
  'every LEADERBOARD_INTERVAL_SECONDS). `rank` is the position in the requested order. Only traders with at least ' +
  '`min_trades` trades and `min_volume_usd` of volume in the window are listed (defaults 10 and 100, the score\'s ' +
  'eligibility; `exchange_reported` rows pass min_trades). Sorted by copy_score (risk-adjusted, see the README) unless sort_by ' +
  'says otherwise. Every figure is a number: USD rounded to cents, ratios and scores to 6 significant digits; unknown ' +
  'values are null and sort last. `exchange_reported` marks windows whose volume, PnL and ROI are the exchange\'s own ' +
  'figures (its public leaderboard file). `coverage` tells, per metric, ' +
  'whether it covers the whole window or only what the service has seen. Cached in Redis per parameter set until the ' +
  'next generation or LEADERBOARD_CACHE_TTL_SECONDS. Before the first generation: 200 with no items and computed_at null.';
const BAD_REQUEST = {
  description: 'A parameter is invalid; the message names it',
  schema: { example: { statusCode: 400, error: 'Bad Request', message: 'sort_by must be one of trader_score, win_rate, …' } },
};

@ApiTags('leaderboard')
@Controller()
export class LeaderboardController {
  constructor(private readonly leaderboard: LeaderboardQueryService) {}

  @Get('api/v1/leaderboard')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'The leaderboard: sortable, filterable, paged', description: DESCRIPTION })
  @ApiOkResponse({ type: LeaderboardPageDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  list(@Query() query: LeaderboardQueryDto): Promise<string> {
    return this.leaderboard.page(leaderboardParams(query));
  }

  @Get('leaderboard')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiTags('legacy')
  @ApiOperation({ summary: 'Legacy alias of GET /api/v1/leaderboard', deprecated: true })
  @ApiOkResponse({ type: LeaderboardPageDto })
  @ApiBadRequestResponse(BAD_REQUEST)
  legacy(@Query() query: LeaderboardQueryDto): Promise<string> {
    return this.leaderboard.page(leaderboardParams(query));
  }
}
