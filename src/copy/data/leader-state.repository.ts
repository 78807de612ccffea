import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LeaderView } from '../domain/sizing';

export interface LeaderInfo {
  id: string;
  address: string;
  isVault: boolean;
  baselined: boolean;
}

/**
 * Read-only view of leaders from what tracking and the live engine store (traders,
 * trader_positions, live_baselines, the last full snapshot for leverage). The copy engine
 * never writes these tables.
 */
@Injectable()
export class LeaderStateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async info(address: string): Promise<LeaderInfo | null> {
    const rows: Array<{ id: string; address: string; is_vault: boolean; baselined: boolean }> = await this.db.query(
      `SELECT t.id, t.address, t.is_vault OR coalesce(t.role = 'vault', false) AS is_vault,
              EXISTS (SELECT 1 FROM live_baselines b WHERE b.trader_id = t.id) AS baselined
         FROM traders t WHERE t.address = $1`,
      [address],
    );
    const r = rows[0];
    return r ? { id: String(r.id), address: r.address, isVault: r.is_vault, baselined: r.baselined } : null;
  }

  /** Each leader's equity, positions and per-coin leverage (from its last stored snapshot). */
  async views(addresses: string[]): Promise<Map<string, LeaderView & { baselined: boolean }>> {
    const out = new Map<string, LeaderView & { baselined: boolean }>();
    if (addresses.length === 0) return out;
    const rows: Array<{
      address: string;
      account_value: string | null;
      baselined: boolean;
      positions: Array<{ coin: string; szi: string }> | null;
      leverage: Array<{ coin: string; value: number }> | null;
    }> = await this.db.query(
      `SELECT t.address, t.account_value::text,
              EXISTS (SELECT 1 FROM live_baselines b WHERE b.trader_id = t.id) AS baselined,
              (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text)) FROM trader_positions p WHERE p.trader_id = t.id AND p.szi <> 0) AS positions,
              (SELECT json_agg(json_build_object('coin', ap->'position'->>'coin', 'value', (ap->'position'->'leverage'->>'value')::int))
                 FROM (SELECT state_data FROM user_state_history h WHERE h.trader_id = t.id ORDER BY captured_at DESC LIMIT 1) s,
                      jsonb_array_elements(CASE WHEN jsonb_typeof(s.state_data->'assetPositions') = 'array' THEN s.state_data->'assetPositions' ELSE '[]'::jsonb END) ap
              ) AS leverage
         FROM traders t WHERE t.address = ANY($1::varchar[])`,
      [addresses],
    );
    for (const r of rows) {
      const lev = new Map((r.leverage ?? []).filter((l) => l.coin && Number.isFinite(l.value)).map((l) => [l.coin, l.value]));
      out.set(r.address, {
        equityUsd: r.account_value === null ? null : Number(r.account_value),
        baselined: r.baselined,
        positions: Object.fromEntries((r.positions ?? []).map((p) => [p.coin, { size: Number(p.szi), leverage: lev.get(p.coin) ?? null }])),
      });
    }
    return out;
  }
}
