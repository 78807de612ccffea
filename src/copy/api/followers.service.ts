import { Injectable } from '@nestjs/common';
import { privateKeyToAccount } from 'viem/accounts';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import type { FollowerRecord } from '../data/copy.records';
import { FollowersRepository } from '../data/followers.repository';
import { encryptSecret, hashToken, newFollowerToken } from '../secrets';
import { CopyBusService } from './copy-bus.service';
import type { CreateFollowerDto, PatchFollowerDto, StopFollowerDto } from './copy.dto';

const DEFAULT_PAPER_EQUITY = 10_000;

/** Followers: creation (token once, agent checked and sealed), settings, stop. */
@Injectable()
export class FollowersService {
  constructor(
    private readonly followers: FollowersRepository,
    private readonly bus: CopyBusService,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateFollowerDto): Promise<{ follower: FollowerRecord; token: string }> {
    let agent: { enc: string; address: string } | null = null;
    if (dto.mode === 'live') {
      if (!dto.agent_private_key) throw new DomainError('INVALID_INPUT', 'agent_private_key is required for a live follower');
      agent = await this.sealAgent(dto.address, dto.agent_private_key);
    } else if (dto.agent_private_key) {
      throw new DomainError('INVALID_INPUT', 'agent_private_key is only for live followers');
    }
    const token = newFollowerToken();
    const equity = dto.mode === 'paper' ? (dto.paper_equity_usd ?? DEFAULT_PAPER_EQUITY) : 0;
    const follower = await this.followers.create({
      address: dto.address,
      name: dto.name ?? null,
      mode: dto.mode,
      tokenHash: hashToken(token),
      agentKeyEnc: agent?.enc ?? null,
      agentAddress: agent?.address ?? null,
      paperEquityUsd: dto.paper_equity_usd ?? DEFAULT_PAPER_EQUITY,
      maxDrawdownPct: dto.max_drawdown_pct ?? null,
      equityUsd: equity,
    });
    if (!follower) throw new DomainError('CONFLICT', `address: ${dto.address} already has a follower`);
    await this.bus.reload(follower.id);
    return { follower, token };
  }

  async get(id: string): Promise<FollowerRecord> {
    const f = await this.followers.findById(id);
    if (!f) throw new DomainError('NOT_FOUND', `follower ${id} not found`);
    return f;
  }

  list(): Promise<FollowerRecord[]> {
    return this.followers.list();
  }

  async patch(id: string, dto: PatchFollowerDto): Promise<FollowerRecord> {
    const current = await this.get(id);
    if (dto.status && current.status === 'stopped' && dto.status === 'paused') {
      throw new DomainError('UNPROCESSABLE', 'status: a stopped follower can only be resumed (active)');
    }
    let agent: { enc: string; address: string } | null = null;
    if (dto.agent_private_key) {
      if (current.mode !== 'live') throw new DomainError('INVALID_INPUT', 'agent_private_key is only for live followers');
      agent = await this.sealAgent(current.address, dto.agent_private_key);
    }
    const updated = await this.followers.update(id, {
      status: dto.status,
      maxDrawdownPct: dto.max_drawdown_pct,
      agentKeyEnc: agent?.enc,
      agentAddress: agent?.address,
    });
    if (!updated) throw new DomainError('NOT_FOUND', `follower ${id} not found`);
    await this.bus.reload(id);
    return updated;
  }

  async stop(id: string, dto: StopFollowerDto): Promise<FollowerRecord> {
    await this.get(id);
    const updated = await this.followers.update(id, { status: 'stopped', stopReason: dto.close_positions ? 'user_close' : 'user' });
    await this.bus.reload(id);
    return updated!;
  }

  /** Checks the agent is approved for the account (through a worker), then encrypts its key. */
  private async sealAgent(master: string, key: string): Promise<{ enc: string; address: string }> {
    const encKey = this.config.copyKeyEncryptionKey;
    if (!encKey) throw new DomainError('UNAVAILABLE', 'live followers are disabled: COPY_KEY_ENCRYPTION_KEY is not set');
    const address = privateKeyToAccount(key as `0x${string}`).address.toLowerCase();
    if (address === master) {
      throw new DomainError('UNPROCESSABLE', "agent_private_key: this is the account's own key; approve an agent (API wallet) and give its key");
    }
    if (!(await this.bus.agentApproved(master, address))) {
      throw new DomainError('UNPROCESSABLE', `agent_private_key: agent ${address} is not approved for ${master} (approveAgent first)`);
    }
    return { enc: encryptSecret(encKey, key), address };
  }
}
