import type { LeaderboardEntryDto } from './dto/leaderboard.dto';
import { expandCoverage } from './leaderboard-fields';
import { ratio, usd } from './leaderboard-numbers';
import type { MetricRow } from './leaderboard-read.repository';

/** A stored row as the API answers it (numbers: USD to cents, ratios to 6 digits); `rank` is the caller's. */
export function toLeaderboardEntry(row: MetricRow, rank: number | null): LeaderboardEntryDto {
  return {
    rank,
    address: row.address,
    trader_id: Number(row.trader_id),
    copy_score: ratio(row.copy_score),
    trader_score: ratio(row.trader_score) ?? 0,
    win_rate: ratio(row.win_rate),
    total_volume_usd: usd(row.total_volume_usd) ?? 0,
    trades_count: row.trades_count,
    realized_pnl_usd: usd(row.realized_pnl_usd),
    profit_factor: ratio(row.profit_factor),
    max_profit_usd: usd(row.max_profit_usd),
    max_loss_usd: usd(row.max_loss_usd),
    account_value_usd: usd(row.account_value_usd),
    roi: ratio(row.roi),
    max_drawdown: ratio(row.max_drawdown),
    avg_risk_ratio: ratio(row.avg_risk_ratio),
    account_age_days: row.account_age_days,
    sharpe_ratio: ratio(row.sharpe_ratio),
    sortino_ratio: ratio(row.sortino_ratio),
    avg_holding_hours: ratio(row.avg_holding_hours),
    profitable_days_share: ratio(row.profitable_days_share),
    profitable_weeks_share: ratio(row.profitable_weeks_share),
    avg_leverage: ratio(row.avg_leverage),
    trades_per_day: ratio(row.trades_per_day) ?? 0,
    days_since_last_trade: ratio(row.days_since_last_trade),
    exchange_reported: row.exchange_reported,
    eligible: row.eligible,
    coverage: expandCoverage(
      { volume: row.cov_volume, pnl: row.cov_pnl, account: row.cov_account, risk: row.cov_risk, age: row.cov_age },
      row.account_value_usd !== null,
    ),
  };
}
