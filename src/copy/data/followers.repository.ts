import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FollowerMode, FollowerRecord, FollowerStatus, num, numOrNull, updatedRows } from './copy.records';

interface FollowerRow {
  id: string;
  address: string;
  name: string | null;
  mode: FollowerMode;
  status: FollowerStatus;
  stop_reason: string | null;
  agent_key_enc: string | null;
  agent_address: string | null;
  paper_equity_usd: string;
  max_drawdown_pct: string | null;
  equity_usd: string;
  peak_equity_usd: string;
  realized_pnl_usd: string;
  fees_usd: string;
  created_at: Date;
}

const COLUMNS = `id, address, name, mode, status, stop_reason, agent_key_enc, agent_address, paper_equity_usd, max_drawdown_pct,
  equity_usd, peak_equity_usd, realized_pnl_usd, fees_usd, created_at`;

function toRecord(r: FollowerRow): FollowerRecord {
  return {
    id: String(r.id),
    address: r.address,
    name: r.name,
    mode: r.mode,
    status: r.status,
    stopReason: r.stop_reason,
    agentKeyEnc: r.agent_key_enc,
    agentAddress: r.agent_address,
    paperEquityUsd: num(r.paper_equity_usd),
    maxDrawdownPct: numOrNull(r.max_drawdown_pct),
    equityUsd: num(r.equity_usd),
    peakEquityUsd: num(r.peak_equity_usd),
    realizedPnlUsd: num(r.realized_pnl_usd),
    feesUsd: num(r.fees_usd),
    createdAt: r.created_at,
  };
}

export interface NewFollower {
  address: string;
  name: string | null;
  mode: FollowerMode;
  tokenHash: string;
  agentKeyEnc: string | null;
  agentAddress: string | null;
  paperEquityUsd: number;
  maxDrawdownPct: number | null;
  equityUsd: number;
}

/** copy_followers. */
@Injectable()
export class FollowersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts; null when the address already has a follower. */
  async create(f: NewFollower): Promise<FollowerRecord | null> {
    const rows: FollowerRow[] = await this.db.query(
      `INSERT INTO copy_followers (address, name, mode, token_hash, agent_key_enc, agent_address, paper_equity_usd, max_drawdown_pct, equity_usd, peak_equity_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
       ON CONFLICT (address) DO NOTHING RETURNING ${COLUMNS}`,
      [f.address, f.name, f.mode, f.tokenHash, f.agentKeyEnc, f.agentAddress, f.paperEquityUsd, f.maxDrawdownPct, f.equityUsd],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<FollowerRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows: FollowerRow[] = await this.db.query(`SELECT ${COLUMNS} FROM copy_followers WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The follower id whose token hashes to this, if any. */
  async idByTokenHash(hash: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.db.query('SELECT id FROM copy_followers WHERE token_hash = $1', [hash]);
    return rows[0] ? String(rows[0].id) : null;
  }

  async list(): Promise<FollowerRecord[]> {
    const rows: FollowerRow[] = await this.db.query(`SELECT ${COLUMNS} FROM copy_followers ORDER BY id`);
    return rows.map(toRecord);
  }

  async findMany(ids: string[]): Promise<FollowerRecord[]> {
    const rows: FollowerRow[] = await this.db.query(`SELECT ${COLUMNS} FROM copy_followers WHERE id = ANY($1::bigint[])`, [ids]);
    return rows.map(toRecord);
  }

  /** Followers the engine drives: not stopped, or stopped with something still to resolve. */
  async engineIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM copy_followers ORDER BY id`);
    return rows.map((r) => String(r.id));
  }

  async update(
    id: string,
    patch: { status?: FollowerStatus; stopReason?: string | null; maxDrawdownPct?: number | null; agentKeyEnc?: string; agentAddress?: string },
  ): Promise<FollowerRecord | null> {
    const rows = updatedRows<FollowerRow>(await this.db.query(
      `UPDATE copy_followers SET
         status = COALESCE($2, status),
         stop_reason = CASE WHEN $2::varchar IS NULL THEN stop_reason WHEN $2 = 'stopped' THEN $3 ELSE NULL END,
         max_drawdown_pct = CASE WHEN $4 THEN $5::numeric ELSE max_drawdown_pct END,
         agent_key_enc = COALESCE($6, agent_key_enc),
         agent_address = COALESCE($7, agent_address),
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, patch.status ?? null, patch.stopReason ?? null, patch.maxDrawdownPct !== undefined, patch.maxDrawdownPct ?? null, patch.agentKeyEnc ?? null, patch.agentAddress ?? null],
    ));
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Equity after a valuation (peak follows it up); realised PnL and fees accumulate. */
  async recordEquity(id: string, equityUsd: number, realizedDelta: number, feesDelta: number): Promise<void> {
    await this.recordEquityMany([{ id, equityUsd, realizedDelta, feesDelta }]);
  }

  /** recordEquity for many followers in one statement (the engine's write-behind flush). */
  async recordEquityMany(rows: Array<{ id: string; equityUsd: number; realizedDelta: number; feesDelta: number }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `WITH input AS (SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::numeric[], $4::numeric[]) AS t(id, equity, realized, fees)),
       f AS (
         UPDATE copy_followers c SET equity_usd = i.equity, peak_equity_usd = GREATEST(c.peak_equity_usd, i.equity),
           realized_pnl_usd = c.realized_pnl_usd + i.realized, fees_usd = c.fees_usd + i.fees, updated_at = now()
         FROM input i WHERE c.id = i.id RETURNING c.id, i.equity)
       INSERT INTO copy_equity_points (follower_id, time, equity_usd)
       SELECT id, date_trunc('second', now()), equity FROM f
       ON CONFLICT (follower_id, time) DO UPDATE SET equity_usd = EXCLUDED.equity_usd`,
      [rows.map((r) => r.id), rows.map((r) => r.equityUsd), rows.map((r) => r.realizedDelta), rows.map((r) => r.feesDelta)],
    );
  }

  async equitySeries(id: string, limit: number): Promise<Array<{ time: Date; equity_usd: string }>> {
    return this.db.query(
      `SELECT time, equity_usd FROM (SELECT time, equity_usd FROM copy_equity_points WHERE follower_id = $1 ORDER BY time DESC LIMIT $2) s ORDER BY time`,
      [id, limit],
    );
  }

  /** The agent keys of every live follower (boot check that the encryption key opens them). */
  async sealedAgentKeys(limit: number): Promise<string[]> {
    const rows: Array<{ agent_key_enc: string }> = await this.db.query(
      `SELECT agent_key_enc FROM copy_followers WHERE agent_key_enc IS NOT NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.agent_key_enc);
  }
}
