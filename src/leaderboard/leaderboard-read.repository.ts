import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SortField, SortOrder } from './leaderboard-fields';
import type { LeaderboardWindow } from './leaderboard-windows';

export interface GenerationRow {
  id: number;
  startedAt: Date;
  computedAt: Date;
  traderCount: number;
  eligible: Partial<Record<LeaderboardWindow, number>>;
}

/** A leaderboard_metrics row as the API reads it (numeric as text, trailing zeros trimmed). */
export interface MetricRow {
  window: LeaderboardWindow;
  trader_id: string;
  address: string;
  eligible: boolean;
  score_rank: number | null;
  trader_score: number;
  account_age_days: number;
  total_volume_usd: string;
  trades_count: number;
  win_rate: number | null;
  avg_risk_ratio: number | null;
  max_drawdown: number | null;
  max_profit_usd: string | null;
  max_loss_usd: string | null;
  realized_pnl_usd: string | null;
  account_value_usd: string | null;
  roi: number | null;
  profit_factor: number | null;
  cov_volume: boolean;
  cov_pnl: boolean;
  cov_account: boolean;
  cov_risk: boolean;
  cov_age: boolean;
  copy_score: number | null;
  sharpe_ratio: number | null;
  sortino_ratio: number | null;
  avg_holding_hours: number | null;
  profitable_days_share: number | null;
  profitable_weeks_share: number | null;
  avg_leverage: number | null;
  trades_per_day: number;
  days_since_last_trade: number | null;
  exchange_reported: boolean;
}

/** Sortable API field → column (a whitelist: only these names ever reach the SQL). */
const SORT_COLUMNS: Readonly<Record<SortField, string>> = {
  copy_score: 'copy_score',
  trader_score: 'trader_score',
  win_rate: 'win_rate',
  total_volume_usd: 'total_volume_usd',
  trades_count: 'trades_count',
  realized_pnl_usd: 'realized_pnl_usd',
  profit_factor: 'profit_factor',
  max_profit_usd: 'max_profit_usd',
  max_loss_usd: 'max_loss_usd',
  account_value_usd: 'account_value_usd',
  roi: 'roi',
  max_drawdown: 'max_drawdown',
  avg_risk_ratio: 'avg_risk_ratio',
  account_age_days: 'account_age_days',
  sharpe_ratio: 'sharpe_ratio',
  sortino_ratio: 'sortino_ratio',
  avg_holding_hours: 'avg_holding_hours',
  profitable_days_share: 'profitable_days_share',
  profitable_weeks_share: 'profitable_weeks_share',
  avg_leverage: 'avg_leverage',
  trades_per_day: 'trades_per_day',
  days_since_last_trade: 'days_since_last_trade',
};

/** The list filters: an exchange-reported row counts as having the trades (the exchange does not say how many). */
const FILTER = `trades_count >= $3 OR exchange_reported`;

const COLUMNS = `
  "window", trader_id, address, eligible, score_rank, trader_score, account_age_days,
  trim_scale(total_volume_usd)::text AS total_volume_usd, trades_count, win_rate, avg_risk_ratio, max_drawdown,
  trim_scale(max_profit_usd)::text AS max_profit_usd, trim_scale(max_loss_usd)::text AS max_loss_usd,
  trim_scale(realized_pnl_usd)::text AS realized_pnl_usd, trim_scale(account_value_usd)::text AS account_value_usd,
  roi, profit_factor, cov_volume, cov_pnl, cov_account, cov_risk, cov_age,
  copy_score, sharpe_ratio, sortino_ratio, avg_holding_hours, profitable_days_share, profitable_weeks_share,
  avg_leverage, trades_per_day, days_since_last_trade, exchange_reported`;

/** Reads of the newest finished generation (the api role's side of the leaderboard). */
@Injectable()
export class LeaderboardReadRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async latestGeneration(): Promise<GenerationRow | null> {
    const rows: Array<{
      id: string;
      started_at: Date;
      computed_at: Date;
      trader_count: number;
      eligible_counts: Partial<Record<LeaderboardWindow, number>>;
    }> = await this.db.query(
      `SELECT id, started_at, computed_at, trader_count, eligible_counts
         FROM leaderboard_generations
        WHERE computed_at IS NOT NULL
        ORDER BY id DESC
        LIMIT 1`,
    );
    const r = rows[0];
    return r
      ? { id: Number(r.id), startedAt: r.started_at, computedAt: r.computed_at, traderCount: r.trader_count, eligible: r.eligible_counts }
      : null;
  }

  /**
   * The eligible traders by score (the default list), through the precomputed rank: rank r is
   * the r-th best score, so ascending order reads the ranks backwards from `eligible`.
   */
  async byScoreRank(
    generation: number,
    window: LeaderboardWindow,
    order: SortOrder,
    offset: number,
    limit: number,
    eligible: number,
  ): Promise<MetricRow[]> {
    const [from, to] = order === 'desc' ? [offset + 1, offset + limit] : [eligible - offset - limit + 1, eligible - offset];
    return this.db.query(
      `SELECT ${COLUMNS} FROM leaderboard_metrics
        WHERE generation = $1 AND "window" = $2 AND score_rank BETWEEN $3 AND $4
        ORDER BY score_rank ${order === 'desc' ? 'ASC' : 'DESC'}`,
      [generation, window, from, to],
    );
  }

  /** Any sort and filters: unknown values (nulls) last, ties in trader id order (reversed with the order). */
  async page(
    generation: number,
    window: LeaderboardWindow,
    sortBy: SortField,
    order: SortOrder,
    minTrades: number,
    minVolumeUsd: number,
    offset: number,
    limit: number,
  ): Promise<MetricRow[]> {
    const column = SORT_COLUMNS[sortBy];
    const dir = order === 'desc' ? 'DESC' : 'ASC';
    const tie = order === 'desc' ? 'ASC' : 'DESC';
    return this.db.query(
      // m.<column>: the stored value, not the text the select list turns it into.
      `SELECT ${COLUMNS} FROM leaderboard_metrics m
        WHERE generation = $1 AND "window" = $2 AND (${FILTER}) AND total_volume_usd >= $4::numeric
        ORDER BY m.${column} ${dir} NULLS LAST, m.trader_id ${tie}
        LIMIT $5 OFFSET $6`,
      [generation, window, minTrades, String(minVolumeUsd), limit, offset],
    );
  }

  async count(generation: number, window: LeaderboardWindow, minTrades: number, minVolumeUsd: number): Promise<number> {
    const [row]: Array<{ n: string }> = await this.db.query(
      `SELECT count(*) AS n FROM leaderboard_metrics
        WHERE generation = $1 AND "window" = $2 AND (${FILTER}) AND total_volume_usd >= $4::numeric`,
      [generation, window, minTrades, String(minVolumeUsd)],
    );
    return Number(row.n);
  }

  /** One trader's rows (one per window it is on) by id or address. */
  async forTrader(generation: number, trader: { id: string } | { address: string }): Promise<MetricRow[]> {
    if ('id' in trader) {
      return this.db.query(`SELECT ${COLUMNS} FROM leaderboard_metrics WHERE generation = $1 AND trader_id = $2::bigint`, [
        generation,
        trader.id,
      ]);
    }
    return this.db.query(
      `SELECT ${COLUMNS} FROM leaderboard_metrics
        WHERE generation = $1 AND trader_id = (SELECT id FROM traders WHERE address = $2)`,
      [generation, trader.address],
    );
  }
}
