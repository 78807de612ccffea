import { createHash } from 'crypto';
import { fillKey } from '../hyperliquid/fill-parsers';
import type { Fill, ParsedPortfolio, PortfolioPeriod } from '../hyperliquid/hyperliquid.types';
import type { PortfolioPoint } from './enrichment.repository';

/** The exchange keeps a user's newest 10,000 fills: a history that long may be cut at its start. */
export const EXCHANGE_FILLS_KEPT = 10_000;
/** Fills per `userFillsByTime` page. */
export const FILLS_PAGE = 2000;

/** Perpetuals only (the ledger's universe): spot fills name `@<index>` or `BASE/QUOTE`. */
export function isPerpCoin(coin: string): boolean {
  return !coin.startsWith('@') && !coin.includes('/');
}

/** The fill's trade id; 2023 fills have none, so a stable negative id from their identity. */
export function fillTid(fill: Fill): number {
  if (fill.tid !== null) return fill.tid;
  const h = createHash('sha1').update(fillKey(fill)).digest('hex').slice(0, 13);
  return -(parseInt(h, 16) + 1);
}

const PERP_PERIODS: readonly PortfolioPeriod[] = ['perpDay', 'perpWeek', 'perpMonth', 'perpAllTime'];
const ALL_PERIODS: readonly PortfolioPeriod[] = ['day', 'week', 'month', 'allTime'];

/**
 * The account value points of a `portfolio` answer, one per time over the day/week/month/all-time
 * series (their perp-only variants when present: our snapshots are perp account values too), with
 * the all-time series' cumulative PnL where it has that time.
 */
export function portfolioPoints(portfolio: ParsedPortfolio): PortfolioPoint[] {
  const perps = PERP_PERIODS.some((p) => portfolio.periods[p] !== undefined);
  const periods = perps ? PERP_PERIODS : ALL_PERIODS;
  const allTime = portfolio.periods[periods[3]];
  const pnlAt = new Map<number, string>((allTime?.pnlHistory ?? []).map((p) => [p.time, p.value]));
  const byTime = new Map<number, PortfolioPoint>();
  for (const period of periods) {
    for (const point of portfolio.periods[period]?.accountValueHistory ?? []) {
      byTime.set(point.time, { time: point.time, accountValue: point.value, pnl: pnlAt.get(point.time) ?? null });
    }
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
