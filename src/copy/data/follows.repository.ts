import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FollowSettings, Sides, Sizing } from '../domain/sizing';
import { FollowRecord, num, numOrNull, updatedRows } from './copy.records';

interface FollowRow {
  id: string;
  follower_id: string;
  leader_id: string;
  leader: string;
  status: FollowRecord['status'];
  stop_reason: string | null;
  sizing: Sizing;
  multiplier: string;
  ratio: string | null;
  notional_usd: string | null;
  max_leverage: number | null;
  max_position_usd: string | null;
  max_total_usd: string | null;
  max_loss_usd: string | null;
  coins_allow: string[] | null;
  coins_deny: string[] | null;
  sides: Sides;
  reverse: boolean;
  slippage_bps: number | null;
  rebalance_band_pct: string;
  copy_open_positions: boolean;
  state: FollowRecord['state'];
  realized_pnl_usd: string;
  fees_usd: string;
  created_at: Date;
  updated_at: Date;
}

function toRecord(r: FollowRow): FollowRecord {
  const settings: FollowSettings = {
    sizing: r.sizing,
    multiplier: num(r.multiplier),
    ratio: numOrNull(r.ratio),
    notionalUsd: numOrNull(r.notional_usd),
    maxLeverage: r.max_leverage,
    maxPositionUsd: numOrNull(r.max_position_usd),
    maxTotalUsd: numOrNull(r.max_total_usd),
    coinsAllow: r.coins_allow,
    coinsDeny: r.coins_deny,
    sides: r.sides,
    reverse: r.reverse,
  };
  return {
    id: String(r.id),
    followerId: String(r.follower_id),
    leaderId: String(r.leader_id),
    leader: r.leader,
    status: r.status,
    stopReason: r.stop_reason,
    settings,
    maxLossUsd: numOrNull(r.max_loss_usd),
    slippageBps: r.slippage_bps,
    rebalanceBandPct: num(r.rebalance_band_pct),
    copyOpenPositions: r.copy_open_positions,
    state: r.state,
    realizedPnlUsd: num(r.realized_pnl_usd),
    feesUsd: num(r.fees_usd),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The settings columns, in the order of `settingsParams`. */
const SETTINGS_COLUMNS = [
  'sizing', 'multiplier', 'ratio', 'notional_usd', 'max_leverage', 'max_position_usd', 'max_total_usd', 'max_loss_usd',
  'coins_allow', 'coins_deny', 'sides', 'reverse', 'slippage_bps', 'rebalance_band_pct', 'copy_open_positions',
] as const;
const SETTINGS_TYPES = ['varchar', 'numeric', 'numeric', 'numeric', 'int', 'numeric', 'numeric', 'numeric', 'text[]', 'text[]', 'varchar', 'boolean', 'int', 'numeric', 'boolean'];

export type FollowSettingsRow = {
  [K in (typeof SETTINGS_COLUMNS)[number]]: unknown;
};

/** copy_follows. */
@Injectable()
export class FollowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts; null when the follower already follows that leader. */
  async create(followerId: string, leaderId: string, leader: string, s: FollowSettingsRow): Promise<FollowRecord | null> {
    const values = SETTINGS_COLUMNS.map((c) => s[c]);
    const placeholders = SETTINGS_COLUMNS.map((_, i) => `$${i + 4}::${SETTINGS_TYPES[i]}`).join(', ');
    const rows: FollowRow[] = await this.db.query(
      `INSERT INTO copy_follows (follower_id, leader_id, leader, ${SETTINGS_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, ${placeholders})
       ON CONFLICT (follower_id, leader) WHERE status <> 'removed' DO NOTHING RETURNING *`,
      [followerId, leaderId, leader, ...values],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Replaces the settings (the caller merged the patch into the current ones). */
  async updateSettings(id: string, s: FollowSettingsRow): Promise<FollowRecord | null> {
    const sets = SETTINGS_COLUMNS.map((c, i) => `${c} = $${i + 2}::${SETTINGS_TYPES[i]}`).join(', ');
    const rows = updatedRows<FollowRow>(await this.db.query(
      `UPDATE copy_follows SET ${sets}, updated_at = now() WHERE id = $1 AND status <> 'removed' RETURNING *`,
      [id, ...SETTINGS_COLUMNS.map((c) => s[c])],
    ));
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listByFollower(followerId: string, includeRemoved = false): Promise<FollowRecord[]> {
    const rows: FollowRow[] = await this.db.query(
      `SELECT * FROM copy_follows WHERE follower_id = $1 AND ($2 OR status <> 'removed') ORDER BY id`,
      [followerId, includeRemoved],
    );
    return rows.map(toRecord);
  }

  async listByFollowers(followerIds: string[]): Promise<FollowRecord[]> {
    const rows: FollowRow[] = await this.db.query(
      `SELECT * FROM copy_follows WHERE follower_id = ANY($1::bigint[]) AND (status <> 'removed' OR stop_reason = 'close') ORDER BY id`,
      [followerIds],
    );
    return rows.map(toRecord);
  }

  async find(followerId: string, leader: string): Promise<FollowRecord | null> {
    const rows: FollowRow[] = await this.db.query(
      `SELECT * FROM copy_follows WHERE follower_id = $1 AND leader = $2 AND status <> 'removed'`,
      [followerId, leader],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Follower ids with an active follow of this leader. */
  async followersOf(leader: string): Promise<string[]> {
    const rows: Array<{ follower_id: string }> = await this.db.query(
      `SELECT DISTINCT follower_id FROM copy_follows WHERE leader = $1 AND status = 'active'`,
      [leader],
    );
    return rows.map((r) => String(r.follower_id));
  }

  /** A closing follow whose holdings are now flat: nothing more to do for it. */
  async markClosed(id: string): Promise<void> {
    await this.db.query(`UPDATE copy_follows SET stop_reason = 'closed', updated_at = now() WHERE id = $1 AND stop_reason = 'close'`, [id]);
  }

  /** Every (leader, follower) pair with an active follow, for the engine's routing table. */
  async activePairs(): Promise<Array<{ leader: string; followerId: string }>> {
    const rows: Array<{ leader: string; follower_id: string }> = await this.db.query(
      `SELECT leader, follower_id FROM copy_follows WHERE status = 'active'`,
    );
    return rows.map((r) => ({ leader: r.leader, followerId: String(r.follower_id) }));
  }

  async setStatus(id: string, status: FollowRecord['status'], reason: string | null): Promise<void> {
    await this.db.query(`UPDATE copy_follows SET status = $2, stop_reason = $3, updated_at = now() WHERE id = $1`, [id, status, reason]);
  }

  /** Saves the engine's memory of many follows and adds their PnL and fees, in one statement. */
  async saveStates(rows: Array<{ id: string; state: FollowRecord['state']; realizedDelta: number; feesDelta: number }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE copy_follows f SET state = i.state, realized_pnl_usd = f.realized_pnl_usd + i.realized, fees_usd = f.fees_usd + i.fees
         FROM unnest($1::bigint[], $2::jsonb[], $3::numeric[], $4::numeric[]) AS i(id, state, realized, fees) WHERE f.id = i.id`,
      [rows.map((r) => r.id), rows.map((r) => JSON.stringify(r.state)), rows.map((r) => r.realizedDelta), rows.map((r) => r.feesDelta)],
    );
  }
}
