import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses';
import { StatsDto, TradersFreshnessDto } from './stats.dto';
import { StatsService } from './stats.service';

@ApiTags('stats')
@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'System statistics: database counts, live clients, Redis, the exchange weight budget, tracking and discovery',
    description: 'Counts are cached for 2 s. Redis-backed fields are null while Redis is unreachable.',
  })
  @ApiOkResponse({ type: StatsDto })
  @ApiErrorResponses(429)
  get(): Promise<StatsDto> {
    return this.stats.stats();
  }
}

@ApiTags('health')
@Controller('health')
export class FreshnessController {
  constructor(private readonly stats: StatsService) {}

  @Get('traders')
  @ApiOperation({
    summary: 'Data freshness: age of the newest trade, of the oldest tracked snapshot, of the leaderboard',
    description:
      'Always 200 (liveness and readiness are /health and /health/detailed); `status` is `stale` when a part is older ' +
      'than its `stale_after_seconds` (newest trade 300 s, oldest snapshot 24 h, leaderboard 2 × LEADERBOARD_INTERVAL_SECONDS + 60 s).',
  })
  @ApiOkResponse({ type: TradersFreshnessDto })
  freshness(): Promise<TradersFreshnessDto> {
    return this.stats.freshness();
  }
}
