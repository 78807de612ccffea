import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { withAdvisoryLock } from '../database/advisory-lock';
import { DataSource } from 'typeorm';
import type { LeaderboardWindow } from './leaderboard-windows';
import type { RiskFigures, RiskFill, RiskInputs, SnapshotPoint, ValuePoint } from './risk-metrics';

/** Advisory-lock key of the risk refresh (one worker at a time). */
export const RISK_LOCK_KEY = 727_019;

export interface RiskCandidate {
  traderId: string;
  /** Signatures of the trader's PnL and account rows, from the leaderboard's per-trader caches. */
  pnlSig: string | null;
  accountSig: string | null;
}

export interface RiskRow {
  traderId: string;
  window: LeaderboardWindow;
  figures: RiskFigures;
}

/** trader_risk / trader_risk_state, and the inputs they are computed from. */
@Injectable()
export class RiskRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `fn` holding the refresh's advisory lock; null when another worker holds it. */
  withLock<T>(fn: () => Promise<T>): Promise<T | null> {
    return withAdvisoryLock(this.db, RISK_LOCK_KEY, fn);
  }

  /**
   * Traders whose PnL or account rows changed since their figures were computed (by the
   * signatures the leaderboard's caches keep), enriched since, or computed more than
   * `staleHours` ago (windows move); never computed first, then the oldest.
   */
  async candidates(limit: number, staleHours: number): Promise<RiskCandidate[]> {
    const [{ ready }]: Array<{ ready: boolean }> = await this.db.query(
      `SELECT to_regclass('leaderboard_pnl_cache') IS NOT NULL AND to_regclass('leaderboard_account_cache') IS NOT NULL AS ready`,
    );
    if (!ready) return [];
    const rows: Array<{ trader_id: string; pnl_sig: string | null; account_sig: string | null }> = await this.db.query(
      `SELECT t.id AS trader_id, p.sig_n || ':' || p.sig_k AS pnl_sig, a.sig_n || ':' || a.sig_k AS account_sig
         FROM traders t
         LEFT JOIN leaderboard_pnl_cache p ON p.trader_id = t.id
         LEFT JOIN leaderboard_account_cache a ON a.trader_id = t.id
         LEFT JOIN trader_risk_state s ON s.trader_id = t.id
         LEFT JOIN trader_enrichment e ON e.trader_id = t.id
        WHERE (p.trader_id IS NOT NULL OR a.trader_id IS NOT NULL)
          AND (s.trader_id IS NULL
               OR s.computed_at < now() - $2::int * interval '1 hour'
               OR s.pnl_sig IS DISTINCT FROM p.sig_n || ':' || p.sig_k
               OR s.account_sig IS DISTINCT FROM a.sig_n || ':' || a.sig_k
               OR e.enriched_at > s.computed_at)
        ORDER BY s.computed_at ASC NULLS FIRST, t.id
        LIMIT $1`,
      [limit, staleHours],
    );
    return rows.map((r) => ({ traderId: r.trader_id, pnlSig: r.pnl_sig, accountSig: r.account_sig }));
  }

  /** Every trader's account series, snapshots and fills, with the database time. */
  async inputs(traderIds: readonly string[]): Promise<{ now: number; byTrader: Map<string, RiskInputs> }> {
    const ids = traderIds.map(String);
    const [points, fills, [clock]] = await Promise.all([
      this.db.query(
        `SELECT trader_id, (extract(epoch FROM time) * 1000)::float8 AS t, account_value::float8 AS av,
                total_ntl_pos::float8 AS ntl
           FROM account_value_points WHERE trader_id = ANY($1::bigint[])
         UNION ALL
         SELECT trader_id, (extract(epoch FROM time) * 1000)::float8, account_value::float8, NULL
           FROM trader_portfolio_points WHERE trader_id = ANY($1::bigint[])`,
        [ids],
      ) as Promise<Array<{ trader_id: string; t: number; av: number; ntl: number | null }>>,
      this.db.query(
        `SELECT trader_id, (extract(epoch FROM time) * 1000)::float8 AS t, coin, side, sz::float8 AS sz, px::float8 AS px,
                start_position::float8 AS sp, (coalesce(closed_pnl, 0) - coalesce(fee, 0))::float8 AS net
           FROM trader_fills WHERE trader_id = ANY($1::bigint[])`,
        [ids],
      ) as Promise<Array<{ trader_id: string; t: number; coin: string; side: 'A' | 'B'; sz: number; px: number; sp: number | null; net: number }>>,
      this.db.query(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS now`) as Promise<Array<{ now: number }>>,
    ]);
    const byTrader = new Map<string, { points: ValuePoint[]; snapshots: SnapshotPoint[]; fills: RiskFill[] }>(
      ids.map((id) => [id, { points: [], snapshots: [], fills: [] }]),
    );
    for (const p of points) {
      const t = byTrader.get(String(p.trader_id))!;
      t.points.push({ t: p.t, av: p.av });
      if (p.ntl !== null) t.snapshots.push({ t: p.t, av: p.av, ntl: p.ntl });
    }
    for (const f of fills) {
      byTrader.get(String(f.trader_id))!.fills.push({ t: f.t, coin: f.coin, side: f.side, sz: f.sz, px: f.px, startPosition: f.sp, net: f.net });
    }
    return { now: clock.now, byTrader };
  }

  /** Stores the figures and the signatures they were computed from (one statement each). */
  async store(rows: readonly RiskRow[], computed: readonly RiskCandidate[]): Promise<void> {
    if (computed.length === 0) return;
    const col = <K extends keyof RiskFigures>(k: K) => rows.map((r) => r.figures[k]);
    await this.db.query(
      `INSERT INTO trader_risk AS r (trader_id, "window", sharpe_ratio, sortino_ratio, avg_holding_seconds, profitable_days_share,
                                    profitable_weeks_share, avg_leverage, avg_position_usd, fills_drawdown, daily_returns)
       SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                            $8::float8[], $9::float8[], $10::float8[], $11::int[])
       ON CONFLICT (trader_id, "window") DO UPDATE SET
         sharpe_ratio = EXCLUDED.sharpe_ratio, sortino_ratio = EXCLUDED.sortino_ratio,
         avg_holding_seconds = EXCLUDED.avg_holding_seconds, profitable_days_share = EXCLUDED.profitable_days_share,
         profitable_weeks_share = EXCLUDED.profitable_weeks_share, avg_leverage = EXCLUDED.avg_leverage,
         avg_position_usd = EXCLUDED.avg_position_usd, fills_drawdown = EXCLUDED.fills_drawdown,
         daily_returns = EXCLUDED.daily_returns`,
      [
        rows.map((r) => r.traderId),
        rows.map((r) => r.window),
        col('sharpeRatio'),
        col('sortinoRatio'),
        col('avgHoldingSeconds'),
        col('profitableDaysShare'),
        col('profitableWeeksShare'),
        col('avgLeverage'),
        col('avgPositionUsd'),
        col('fillsDrawdown'),
        col('dailyReturns'),
      ],
    );
    await this.db.query(
      `INSERT INTO trader_risk_state AS s (trader_id, computed_at, pnl_sig, account_sig)
       SELECT id, now(), ps, acs FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, ps, acs)
       ON CONFLICT (trader_id) DO UPDATE SET computed_at = now(), pnl_sig = EXCLUDED.pnl_sig, account_sig = EXCLUDED.account_sig`,
      [computed.map((c) => c.traderId), computed.map((c) => c.pnlSig), computed.map((c) => c.accountSig)],
    );
  }

  /** Traders with risk figures, and those still waiting (for the progress line). */
  async progress(): Promise<{ computed: number }> {
    const [{ n }]: Array<{ n: number }> = await this.db.query(`SELECT count(*)::int AS n FROM trader_risk_state`);
    return { computed: n };
  }
}
