import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainError } from '../../common/domain-error';
import { TrackingSignals, raiseSignals } from '../../redis/contracts/tracking-signals';
import { REDIS_CLIENT } from '../../redis/redis.tokens';
import type { FollowRecord } from '../data/copy.records';
import { FollowSettingsRow, FollowsRepository } from '../data/follows.repository';
import { LeaderStateRepository } from '../data/leader-state.repository';
import { CopyBusService } from './copy-bus.service';
import type { CreateFollowDto, FollowSettingsDto } from './copy.dto';
import { FollowersService } from './followers.service';

/** A follow's settings row from a create body, or from a patch merged into the current follow. */
function settingsRow(dto: FollowSettingsDto, base: FollowRecord | null, copyOpen: boolean): FollowSettingsRow {
  const s = base?.settings;
  const pick = <T>(v: T | undefined, fallback: T): T => (v === undefined ? fallback : v);
  const row: FollowSettingsRow = {
    sizing: pick(dto.sizing, s?.sizing ?? 'proportional'),
    multiplier: pick(dto.multiplier, s?.multiplier ?? 1),
    ratio: pick(dto.ratio, s?.ratio ?? null),
    notional_usd: pick(dto.notional_usd, s?.notionalUsd ?? null),
    max_leverage: pick(dto.max_leverage, s?.maxLeverage ?? null),
    max_position_usd: pick(dto.max_position_usd, s?.maxPositionUsd ?? null),
    max_total_usd: pick(dto.max_total_usd, s?.maxTotalUsd ?? null),
    max_loss_usd: pick(dto.max_loss_usd, base?.maxLossUsd ?? null),
    coins_allow: pick(dto.coins_allow, s?.coinsAllow ?? null),
    coins_deny: pick(dto.coins_deny, s?.coinsDeny ?? null),
    sides: pick(dto.sides, s?.sides ?? 'both'),
    reverse: pick(dto.reverse, s?.reverse ?? false),
    slippage_bps: pick(dto.slippage_bps, base?.slippageBps ?? null),
    rebalance_band_pct: pick(dto.rebalance_band_pct, base?.rebalanceBandPct ?? 5),
    copy_open_positions: copyOpen,
  };
  if (row.sizing === 'fixed_ratio' && row.ratio === null) throw new DomainError('INVALID_INPUT', 'ratio is required with sizing fixed_ratio');
  if (row.sizing === 'fixed_notional' && row.notional_usd === null) {
    throw new DomainError('INVALID_INPUT', 'notional_usd is required with sizing fixed_notional');
  }
  return row;
}

/** Follows: a follower's leaders with their sizing and risk settings. */
@Injectable()
export class FollowsService {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly leaders: LeaderStateRepository,
    private readonly followers: FollowersService,
    private readonly bus: CopyBusService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async list(followerId: string): Promise<FollowRecord[]> {
    await this.followers.get(followerId);
    return this.follows.listByFollower(followerId);
  }

  async create(followerId: string, dto: CreateFollowDto): Promise<FollowRecord> {
    const follower = await this.followers.get(followerId);
    if (dto.leader === follower.address) throw new DomainError('UNPROCESSABLE', 'leader: a follower cannot follow its own account');
    const leader = await this.leaders.info(dto.leader);
    if (!leader) throw new DomainError('UNPROCESSABLE', `leader: ${dto.leader} is not a known trader`);
    if (leader.isVault) throw new DomainError('UNPROCESSABLE', `leader: ${dto.leader} is a vault; vaults cannot be followed`);
    const row = settingsRow(dto, null, dto.copy_open_positions ?? false);
    const follow = await this.follows.create(followerId, leader.id, leader.address, row);
    if (!follow) throw new DomainError('CONFLICT', `leader: follower ${followerId} already follows ${dto.leader}`);
    // Without a baseline the live engine does not follow the leader yet: ask tracking for a snapshot now.
    if (!leader.baselined) await raiseSignals(this.redis, TrackingSignals.reconcile, [{ address: leader.address, at: Date.now() }]).catch(() => undefined);
    await this.bus.reload(followerId);
    return follow;
  }

  async patch(followerId: string, leader: string, dto: FollowSettingsDto): Promise<FollowRecord> {
    const current = await this.get(followerId, leader);
    const updated = await this.follows.updateSettings(current.id, settingsRow(dto, current, current.copyOpenPositions));
    if (!updated) throw new DomainError('NOT_FOUND', `follower ${followerId} does not follow ${leader}`);
    await this.bus.reload(followerId);
    return updated;
  }

  /** Stops following; with `close`, the engine also closes what this follow holds. */
  async remove(followerId: string, leader: string, close: boolean): Promise<FollowRecord> {
    const current = await this.get(followerId, leader);
    await this.follows.setStatus(current.id, 'removed', close ? 'close' : 'removed');
    await this.bus.reload(followerId);
    return { ...current, status: 'removed', stopReason: close ? 'close' : 'removed' };
  }

  private async get(followerId: string, leader: string): Promise<FollowRecord> {
    await this.followers.get(followerId);
    const address = leader.toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(address)) throw new DomainError('INVALID_INPUT', 'leader must be 0x followed by 40 hex digits');
    const f = await this.follows.find(followerId, address);
    if (!f) throw new DomainError('NOT_FOUND', `follower ${followerId} does not follow ${address}`);
    return f;
  }
}
