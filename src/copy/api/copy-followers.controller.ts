import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminKeyGuard } from '../../common/auth/admin-key.guard';
import { ApiErrorResponses } from '../../common/api-error-responses';
import { CopyReadService } from './copy-read.service';
import { followerView, followView } from './copy-views';
import {
  CreateFollowDto,
  CreateFollowerDto,
  DeleteFollowQueryDto,
  OrdersQueryDto,
  PatchFollowDto,
  PatchFollowerDto,
  StopFollowerDto,
} from './copy.dto';
import { FollowerAuthGuard } from './follower-auth.guard';
import { FollowersService } from './followers.service';
import { FollowsService } from './follows.service';

const FOLLOWER_EXAMPLE = {
  id: '1',
  address: '0x0123456789abcdef0123456789abcdef01234567',
  name: 'alice',
  mode: 'paper',
  status: 'active',
  stop_reason: null,
  agent_address: null,
  equity_usd: '10000',
  peak_equity_usd: '10000',
  drawdown_pct: 0,
  max_drawdown_pct: 25,
  realized_pnl_usd: '0',
  fees_usd: '0',
  created_at: '2026-12-07T12:00:00.000Z',
};
const FOLLOW_EXAMPLE = {
  id: '1',
  leader: '0x89abcdef0123456789abcdef0123456789abcdef',
  status: 'active',
  sizing: 'proportional',
  multiplier: 1,
  max_leverage: 10,
  sides: 'both',
  reverse: false,
  slippage_bps: null,
  rebalance_band_pct: 5,
  copy_open_positions: false,
};
const ID = { name: 'id', description: 'follower id', example: '1' };
const LEADER = { name: 'leader', description: "the leader's address", example: '0x89abcdef0123456789abcdef0123456789abcdef' };

@ApiTags('copy')
@Controller('api/v1/copy/followers')
export class CopyFollowersController {
  constructor(
    private readonly followers: FollowersService,
    private readonly follows: FollowsService,
    private readonly read: CopyReadService,
  ) {}

  @Post()
  @UseGuards(AdminKeyGuard)
  @ApiSecurity('admin')
  @ApiOperation({
    summary: 'Create a follower (admin); its token is returned once',
    description: 'live: the agent key is checked to be approved for `address` (extraAgents) and stored encrypted; never returned.',
  })
  @ApiCreatedResponse({ schema: { example: { ...FOLLOWER_EXAMPLE, token: 'tsf_…' } } })
  @ApiErrorResponses(400, 401, 403, 409, 413, 422, 429, 503)
  async create(@Body() dto: CreateFollowerDto) {
    const { follower, token } = await this.followers.create(dto);
    return { ...followerView(follower), token };
  }

  @Get()
  @UseGuards(AdminKeyGuard)
  @ApiSecurity('admin')
  @ApiOperation({ summary: 'List followers (admin)' })
  @ApiOkResponse({ schema: { example: { items: [FOLLOWER_EXAMPLE] } } })
  @ApiErrorResponses(401, 403, 429, 503)
  async list() {
    return { items: (await this.followers.list()).map(followerView) };
  }

  @Get(':id')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'A follower: status, equity, drawdown, PnL, fees' })
  @ApiOkResponse({ schema: { example: FOLLOWER_EXAMPLE } })
  @ApiErrorResponses(401, 403, 404, 429, 503)
  async get(@Param('id') id: string) {
    return followerView(await this.followers.get(id));
  }

  @Patch(':id')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Pause or resume, change max_drawdown_pct, replace the agent key' })
  @ApiOkResponse({ schema: { example: FOLLOWER_EXAMPLE } })
  @ApiErrorResponses(400, 401, 403, 404, 413, 422, 429, 503)
  async patch(@Param('id') id: string, @Body() dto: PatchFollowerDto) {
    return followerView(await this.followers.patch(id, dto));
  }

  @Post(':id/stop')
  @HttpCode(200)
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Stop copying; with close_positions the engine also closes the copied positions' })
  @ApiOkResponse({ schema: { example: { ...FOLLOWER_EXAMPLE, status: 'stopped', stop_reason: 'user_close' } } })
  @ApiErrorResponses(400, 401, 403, 404, 413, 429, 503)
  async stop(@Param('id') id: string, @Body() dto: StopFollowerDto) {
    return followerView(await this.followers.stop(id, dto));
  }

  @Get(':id/follows')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: "The follower's leaders and their settings" })
  @ApiOkResponse({ schema: { example: { items: [FOLLOW_EXAMPLE] } } })
  @ApiErrorResponses(401, 403, 404, 429, 503)
  async listFollows(@Param('id') id: string) {
    return { items: (await this.follows.list(id)).map(followView) };
  }

  @Post(':id/follows')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Follow a leader (a known, non-vault trader) with sizing and risk settings' })
  @ApiCreatedResponse({ schema: { example: FOLLOW_EXAMPLE } })
  @ApiErrorResponses(400, 401, 403, 404, 409, 413, 422, 429, 503)
  async createFollow(@Param('id') id: string, @Body() dto: CreateFollowDto) {
    return followView(await this.follows.create(id, dto));
  }

  @Patch(':id/follows/:leader')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiParam(LEADER)
  @ApiOperation({ summary: "Change a follow's settings" })
  @ApiOkResponse({ schema: { example: FOLLOW_EXAMPLE } })
  @ApiErrorResponses(400, 401, 403, 404, 413, 429, 503)
  async patchFollow(@Param('id') id: string, @Param('leader') leader: string, @Body() dto: PatchFollowDto) {
    return followView(await this.follows.patch(id, leader, dto));
  }

  @Delete(':id/follows/:leader')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiParam(LEADER)
  @ApiOperation({ summary: 'Stop following (`?close=true` also closes what that follow holds)' })
  @ApiOkResponse({ schema: { example: { ...FOLLOW_EXAMPLE, status: 'removed' } } })
  @ApiErrorResponses(400, 401, 403, 404, 429, 503)
  async removeFollow(@Param('id') id: string, @Param('leader') leader: string, @Query() q: DeleteFollowQueryDto) {
    return followView(await this.follows.remove(id, leader, q.close === 'true'));
  }

  @Get(':id/positions')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Per coin: desired vs actual size, mark, notional, unrealized PnL, leverage' })
  @ApiOkResponse({
    schema: {
      example: {
        follower_id: '1',
        positions: [{ coin: 'BTC', desired_size: '0.01', actual_size: '0.01', entry_price: '97000', mark_price: '97100', notional_usd: '971', unrealized_pnl_usd: '1', leverage: 10 }],
      },
    },
  })
  @ApiErrorResponses(401, 403, 404, 429, 503)
  positions(@Param('id') id: string) {
    return this.read.positions(id);
  }

  @Get(':id/orders')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({ summary: 'The order journal, newest first (every decision, with its cloid, written before the send)' })
  @ApiOkResponse({
    schema: {
      example: {
        items: [{ id: '7', cloid: '0x1f…', leader: '0x89ab…', coin: 'BTC', side: 'buy', size: '0.01', limit_price: '97500', reduce_only: false, status: 'filled', filled_size: '0.01', avg_price: '97010', error: null, trigger_event_id: 1234, trigger_time: '…', created_at: '…', sent_at: '…', acked_at: '…' }],
        limit: 50,
        next_before: null,
      },
    },
  })
  @ApiErrorResponses(400, 401, 403, 404, 429, 503)
  orders(@Param('id') id: string, @Query() q: OrdersQueryDto) {
    return this.read.journal(id, q.limit ?? 50, q.before ?? null, q.status ?? null);
  }

  @Get(':id/performance')
  @UseGuards(FollowerAuthGuard)
  @ApiBearerAuth('follower')
  @ApiParam(ID)
  @ApiOperation({
    summary: 'Equity series, PnL, fees, per-follow PnL, tracking error, slippage vs the leader, trade → order → fill latency',
  })
  @ApiOkResponse({
    schema: {
      example: {
        equity_curve: [[1765108800000, 10000]],
        realized_pnl_usd: '0',
        unrealized_pnl_usd: '0',
        fees_usd: '0',
        per_follow: [],
        tracking: { tracking_error_usd: '0' },
        slippage_vs_leader: { usd: '0', bps: null, orders: 0 },
        latency_ms: { trade_to_order: { count: 0, p50: null, p95: null, p99: null } },
      },
    },
  })
  @ApiErrorResponses(401, 403, 404, 429, 503)
  performance(@Param('id') id: string) {
    return this.read.performance(id);
  }
}
