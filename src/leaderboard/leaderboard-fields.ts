/**
 * The leaderboard's metrics as the API names them, which of them are sortable, and how the stored
 * per-group completeness flags expand into the per-metric `coverage` object.
 */

/** Every metric a leaderboard row carries, in response order; each is a valid `sort_by`. */
export const SORT_FIELDS = [
  'copy_score',
  'trader_score',
  'win_rate',
  'total_volume_usd',
  'trades_count',
  'realized_pnl_usd',
  'profit_factor',
  'max_profit_usd',
  'max_loss_usd',
  'account_value_usd',
  'roi',
  'max_drawdown',
  'avg_risk_ratio',
  'account_age_days',
  'sharpe_ratio',
  'sortino_ratio',
  'avg_holding_hours',
  'profitable_days_share',
  'profitable_weeks_share',
  'avg_leverage',
  'trades_per_day',
  'days_since_last_trade',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The default `sort_by`: the risk-adjusted score a follower should rank by. */
export const DEFAULT_SORT: SortField = 'copy_score';

/** Eligibility for the score's population and the default list filters (the seed's minimums). */
export const DEFAULT_MIN_TRADES = 10;
export const DEFAULT_MIN_VOLUME_USD = 100;

/** Stored completeness flags, one per group of metrics sharing a data source. */
export interface CoverageFlags {
  /** Trades ledger (plus exchange fills) covers the whole window. */
  volume: boolean;
  /** Per-trade realized PnL covers the whole window. */
  pnl: boolean;
  /** The account value series starts at or before the window's start. */
  account: boolean;
  /** Position snapshots start at or before the window's start. */
  risk: boolean;
  /** The trader's whole fill history is known (not only what we saw). */
  age: boolean;
}

export type Coverage = Record<SortField, boolean>;

/** `coverage` of one row: whether each metric is complete for its window. */
export function expandCoverage(flags: CoverageFlags, accountValueKnown: boolean): Coverage {
  const pnl = flags.pnl;
  const account = flags.account;
  return {
    copy_score: pnl && account,
    trader_score: flags.volume && pnl && account && flags.risk,
    win_rate: pnl,
    total_volume_usd: flags.volume,
    trades_count: flags.volume,
    realized_pnl_usd: pnl,
    profit_factor: pnl,
    max_profit_usd: pnl,
    max_loss_usd: pnl,
    account_value_usd: accountValueKnown,
    roi: pnl && account,
    max_drawdown: account,
    avg_risk_ratio: flags.risk,
    account_age_days: flags.age,
    sharpe_ratio: account,
    sortino_ratio: account,
    avg_holding_hours: pnl,
    profitable_days_share: account,
    profitable_weeks_share: account,
    avg_leverage: flags.risk,
    trades_per_day: flags.volume,
    days_since_last_trade: flags.volume,
  };
}
