import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { sendPage } from './cached-page';
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
  'whether it covers the whole window or only what the service has seen. Each page is built once per generation ' +
  '(kept in the api process and in Redis until the next generation or LEADERBOARD_CACHE_TTL_SECONDS). Responses ' +
  'carry a strong `ETag` (`If-None-Match` → 304), `Cache-Control: public, max-age=<seconds until the next ' +
  'generation is due>, must-revalidate`, and are compressed (br, gzip) when `Accept-Encoding` allows. Before the ' +
  'first generation: 200 with no items and computed_at null (`Cache-Control: no-cache`).';
const BAD_REQUEST = {
  description: 'A parameter is invalid; the message names it',
  schema: { example: { statusCode: 400, error: 'Bad Request', message: 'sort_by must be one of trader_score, win_rate, …' } },
};
const NOT_MODIFIED = { status: 304, description: 'If-None-Match holds the ETag of the current page: no body' };
const IF_NONE_MATCH = { name: 'If-None-Match', required: false, description: 'An ETag of this page from an earlier response' };

@ApiTags('leaderboard')
@Controller()
export class LeaderboardController {
  constructor(
    private readonly leaderboard: LeaderboardQueryService,
    private readonly config: AppConfig,
  ) {}

  // Hot pages rarely get here: LeaderboardFastPath answers them before Nest's pipeline, with the same sendPage.
  @Get('api/v1/leaderboard')
  @ApiOperation({ summary: 'The leaderboard: sortable, filterable, paged', description: DESCRIPTION })
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ type: LeaderboardPageDto })
  @ApiResponse(NOT_MODIFIED)
  @ApiBadRequestResponse(BAD_REQUEST)
  async list(@Query() query: LeaderboardQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await sendPage(req, res, await this.leaderboard.page(leaderboardParams(query)), this.config.leaderboardIntervalSeconds);
  }

  @Get('leaderboard')
  @ApiTags('legacy')
  @ApiOperation({ summary: 'Legacy alias of GET /api/v1/leaderboard', deprecated: true })
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ type: LeaderboardPageDto })
  @ApiResponse(NOT_MODIFIED)
  @ApiBadRequestResponse(BAD_REQUEST)
  async legacy(@Query() query: LeaderboardQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.list(query, req, res);
  }
}
