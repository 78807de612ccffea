import { Injectable } from '@nestjs/common';
import { LiveRepository } from '../../live/live.repository';
import { TradersRepository } from '../../traders/data/traders.repository';
import type { LeaderView } from '../domain/sizing';

export interface LeaderInfo {
  id: string;
  address: string;
  isVault: boolean;
  baselined: boolean;
}

/**
 * Read-only view of leaders, asked of the tables' owners: the traders repository (identity, vault
 * role, account value) and the live repository (baseline, positions, the last full snapshot's
 * leverage). Copy trading issues no SQL against them.
 */
@Injectable()
export class LeaderStateRepository {
  constructor(
    private readonly traders: TradersRepository,
    private readonly live: LiveRepository,
  ) {}

  async info(address: string): Promise<LeaderInfo | null> {
    const [leader] = await this.traders.identities([address]);
    if (!leader) return null;
    const state = (await this.live.leaderStates([leader.id])).get(leader.id);
    return { id: leader.id, address: leader.address, isVault: leader.isVault, baselined: state?.baselined ?? false };
  }

  /** Each leader's equity, positions and per-coin leverage (from its last stored snapshot). */
  async views(addresses: string[]): Promise<Map<string, LeaderView & { baselined: boolean }>> {
    const out = new Map<string, LeaderView & { baselined: boolean }>();
    const leaders = await this.traders.identities(addresses);
    const states = await this.live.leaderStates(leaders.map((l) => l.id));
    for (const leader of leaders) {
      const state = states.get(leader.id);
      const lev = new Map((state?.leverage ?? []).filter((l) => l.coin && Number.isFinite(l.value)).map((l) => [l.coin, l.value]));
      out.set(leader.address, {
        equityUsd: leader.accountValue === null ? null : Number(leader.accountValue),
        baselined: state?.baselined ?? false,
        positions: Object.fromEntries((state?.positions ?? []).map((p) => [p.coin, { size: Number(p.szi), leverage: lev.get(p.coin) ?? null }])),
      });
    }
    return out;
  }
}
