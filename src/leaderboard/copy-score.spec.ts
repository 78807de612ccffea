import { copyScore, CopyScoreInputs } from './copy-score';

const steady: CopyScoreInputs = {
  roi: 0.2,
  maxDrawdown: 0.08,
  accountAgeDays: 90,
  tradesCount: 150,
  daysSinceLastTrade: 0.5,
  avgHoldingSeconds: 6 * 3600,
  avgPositionUsd: 20_000,
};

describe('copy_score', () => {
  const board: Record<string, CopyScoreInputs> = {
    steady,
    // Same return, twice the drawdown: half the score.
    bumpy: { ...steady, maxDrawdown: 0.16 },
    // Smaller return, same path otherwise.
    modest: { ...steady, roi: 0.08 },
    // A scalper: same figures, but holds 20 s on average (the copy latency eats its edge).
    scalper: { ...steady, avgHoldingSeconds: 20 },
    // The same winner, idle for a month.
    inactive: { ...steady, daysSinceLastTrade: 31 },
    // One lucky trade: +60 %, no drawdown, two days of history.
    lucky: { ...steady, roi: 0.6, maxDrawdown: 0, accountAgeDays: 2, tradesCount: 1 },
    // A whale: positions of 40M USD on average.
    whale: { ...steady, avgPositionUsd: 40_000_000 },
    smallLoser: { ...steady, roi: -0.01, maxDrawdown: 0.02 },
    bigLoser: { ...steady, roi: -0.3, maxDrawdown: 0.4 },
    // The seed's example: many small wins, one large loss (realized PnL negative over the window).
    manySmallWinsOneLoss: { ...steady, roi: -0.05, maxDrawdown: 0.07, tradesCount: 400 },
    wipedOut: { ...steady, roi: -1, maxDrawdown: 1 },
  };
  const order = () =>
    Object.entries(board)
      .map(([name, i]) => [name, copyScore(i)!] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([name]) => name);

  it('orders the scripted board as documented', () => {
    expect(order()).toEqual([
      'steady',
      'bumpy', // ln 1.2 / 0.16 = 1.14 beats ln 1.08 / 0.08 = 0.96
      'modest',
      'scalper',
      'whale',
      'inactive',
      'lucky',
      'smallLoser',
      'manySmallWinsOneLoss',
      'bigLoser',
      'wipedOut',
    ]);
  });

  it('hand-computed values', () => {
    // ln 1.2 / 0.08 × 1 × 1 × (21600 / 21650) × 1
    expect(copyScore(steady)).toBeCloseTo((Math.log(1.2) / 0.08) * (21600 / 21650), 12);
    expect(copyScore(board.bumpy)).toBeCloseTo(copyScore(steady)! / 2, 12);
    // Idle 31 days: 28 past the grace, 4 half-lives.
    expect(copyScore(board.inactive)).toBeCloseTo(copyScore(steady)! / 16, 12);
    // 2/14 of the history, 1/20 of the trades, the drawdown floor 0.05.
    expect(copyScore(board.lucky)).toBeCloseTo((Math.log(1.6) / 0.05) * (2 / 14) * (1 / 20) * (21600 / 21650), 12);
    expect(copyScore(board.whale)).toBeCloseTo(copyScore(steady)! * Math.sqrt(1 / 40), 12);
    // A loss is its log return, whatever else.
    expect(copyScore(board.bigLoser)).toBeCloseTo(Math.log(0.7), 12);
  });

  it('no trader with a loss ranks above one with a gain; a risk-adjusted gain is always positive', () => {
    for (const [, i] of Object.entries(board)) {
      const s = copyScore(i)!;
      if (i.roi! > 0) expect(s).toBeGreaterThan(0);
      else expect(s).toBeLessThanOrEqual(0);
    }
  });

  it('is unknown without the window\'s account history, and 0 for a flat one', () => {
    expect(copyScore({ ...steady, roi: null })).toBeNull();
    expect(copyScore({ ...steady, maxDrawdown: null })).toBeNull();
    expect(copyScore({ ...steady, roi: 0, maxDrawdown: 0 })).toBe(0);
    expect(copyScore({ ...steady, avgHoldingSeconds: null, avgPositionUsd: null, daysSinceLastTrade: null })).toBeCloseTo(
      Math.log(1.2) / 0.08,
      12,
    );
  });
});
