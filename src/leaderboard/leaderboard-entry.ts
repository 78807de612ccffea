import type { LeaderboardEntryDto } from './dto/leaderboard.dto';
import { expandCoverage } from './leaderboard-fields';
import type { MetricRow } from './leaderboard-read.repository';

/** A stored row as the API answers it; `rank` is the caller's (list position or score rank). */
export function toLeaderboardEntry(row: MetricRow, rank: number | null): LeaderboardEntryDto {
  return {
    rank,
    address: row.address,
    trader_id: Number(row.trader_id),
    trader_score: row.trader_score,
    win_rate: row.win_rate,
    total_volume_usd: row.total_volume_usd,
    trades_count: row.trades_count,
    realized_pnl_usd: row.realized_pnl_usd,
    profit_factor: row.profit_factor,
    max_profit_usd: row.max_profit_usd,
    max_loss_usd: row.max_loss_usd,
    account_value_usd: row.account_value_usd,
    roi: row.roi,
    max_drawdown: row.max_drawdown,
    avg_risk_ratio: row.avg_risk_ratio,
    account_age_days: row.account_age_days,
    eligible: row.eligible,
    coverage: expandCoverage(
      { volume: row.cov_volume, pnl: row.cov_pnl, account: row.cov_account, risk: row.cov_risk, age: row.cov_age },
      row.account_value_usd !== null,
    ),
  };
}
