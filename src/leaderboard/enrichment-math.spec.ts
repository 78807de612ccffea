import type { Fill, ParsedPortfolio } from '../hyperliquid/hyperliquid.types';
import { fillTid, isPerpCoin, portfolioPoints } from './enrichment-math';

const fill = (over: Partial<Fill> = {}): Fill => ({
  coin: 'BTC',
  px: '100',
  sz: '1',
  side: 'B',
  time: 1_700_000_000_000,
  startPosition: '0',
  dir: 'Open Long',
  closedPnl: '0',
  hash: '0xabc',
  oid: 1,
  crossed: true,
  fee: '0.045',
  tid: 42,
  feeToken: 'USDC',
  twapId: null,
  ...over,
});

describe('enrichment math', () => {
  it('keeps perps (HIP-3 dex:COIN too) and drops spot fills', () => {
    expect(isPerpCoin('BTC')).toBe(true);
    expect(isPerpCoin('xyz:TSLA')).toBe(true);
    expect(isPerpCoin('@107')).toBe(false);
    expect(isPerpCoin('PURR/USDC')).toBe(false);
  });

  it('uses the trade id, or a stable negative id for 2023 fills without one', () => {
    expect(fillTid(fill())).toBe(42);
    const old = fill({ tid: null });
    expect(fillTid(old)).toBeLessThan(0);
    expect(Number.isSafeInteger(fillTid(old))).toBe(true);
    expect(fillTid(old)).toBe(fillTid({ ...old }));
    expect(fillTid(old)).not.toBe(fillTid(fill({ tid: null, oid: 2 })));
  });

  it('merges the perp series of every period, one point per time, with the all-time PnL', () => {
    const series = (points: Array<[number, string]>, pnl: Array<[number, string]> = []) => ({
      accountValueHistory: points.map(([time, value]) => ({ time, value })),
      pnlHistory: pnl.map(([time, value]) => ({ time, value })),
      vlm: '0',
    });
    const portfolio: ParsedPortfolio = {
      periods: {
        day: series([[5, '999']]),
        perpDay: series([[30, '110'], [40, '120']]),
        perpWeek: series([[20, '105'], [30, '110']]),
        perpAllTime: series([[10, '100'], [40, '120']], [[10, '0'], [40, '20']]),
      },
      invalid: 0,
    };
    expect(portfolioPoints(portfolio)).toEqual([
      { time: 10, accountValue: '100', pnl: '0' },
      { time: 20, accountValue: '105', pnl: null },
      { time: 30, accountValue: '110', pnl: null },
      { time: 40, accountValue: '120', pnl: '20' },
    ]);
  });

  it('falls back to the total-account series when the exchange sends no perp series', () => {
    const portfolio: ParsedPortfolio = {
      periods: { allTime: { accountValueHistory: [{ time: 1, value: '5' }], pnlHistory: [], vlm: '0' } },
      invalid: 0,
    };
    expect(portfolioPoints(portfolio)).toEqual([{ time: 1, accountValue: '5', pnl: null }]);
  });
});
