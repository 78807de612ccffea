import { expandCoverage, SORT_FIELDS } from './leaderboard-fields';

describe('coverage', () => {
  it('has one flag per metric, derived from its data source', () => {
    const cov = expandCoverage({ volume: true, pnl: false, account: true, risk: true, age: false }, true);
    expect(Object.keys(cov).sort()).toEqual([...SORT_FIELDS].sort());
    expect(cov).toMatchObject({
      total_volume_usd: true,
      trades_count: true,
      realized_pnl_usd: false,
      win_rate: false,
      roi: false,
      max_drawdown: true,
      avg_risk_ratio: true,
      account_age_days: false,
      account_value_usd: true,
      trader_score: false,
    });
  });
});
