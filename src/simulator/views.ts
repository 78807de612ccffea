import { computeAccount, accountValueOf } from './account';
import { formatPx, formatSz, type CoinSpec } from './coins';
import { formatBigScaled, formatDecimal, formatMicro, formatSignificant, formatUsd } from './format';
import type { Market } from './market';
import { FILLS_PAGE, FUNDING_PAGE, type FillRecord, type HistoryPoint, type TraderState } from './state';
import type { TraderTruth, TruthPosition, WireFill } from './types';

/** Wire views of the market: every /info answer, shaped like test/fixtures/info/*.json. */

const DAY = 86_400_000;
const PERIODS: ReadonlyArray<readonly [string, number]> = [
  ['day', DAY],
  ['week', 7 * DAY],
  ['month', 30 * DAY],
  ['allTime', Infinity],
  ['perpDay', DAY],
  ['perpWeek', 7 * DAY],
  ['perpMonth', 30 * DAY],
  ['perpAllTime', Infinity],
];
const PORTFOLIO_POINTS = 60;

/** Entry prices carry two more decimals than the price grid. */
export function formatEntryPx(spec: CoinSpec, entryPx: number): string {
  return formatDecimal(entryPx, spec.pxDecimals + 2);
}

export function metaView(market: Market): { universe: { szDecimals: number; name: string; maxLeverage: number }[] } {
  return { universe: market.coins.map((c) => ({ szDecimals: c.szDecimals, name: c.name, maxLeverage: c.maxLeverage })) };
}

export function assetCtxsView(market: Market): Record<string, unknown>[] {
  const oi = new Array<number>(market.coins.length).fill(0);
  for (const t of market.traders) {
    for (let c = 0; c < market.coins.length; c++) {
      const s = t.positions[c]?.szi ?? 0;
      if (s > 0) oi[c] += s;
    }
  }
  return market.coins.map((spec, c) => {
    const markInt = market.markInts[c];
    const tick = Math.max(1, Math.round(markInt * 0.0002));
    return {
      funding: formatDecimal(market.fundingRates[c], 8),
      openInterest: formatSz(spec, oi[c]),
      prevDayPx: formatPx(spec, market.prevDayPx[c]),
      dayNtlVlm: formatMicro(market.dayNtlMicro[c]),
      premium: formatDecimal(market.fundingRates[c] * 0.5, 8),
      oraclePx: formatPx(spec, markInt),
      markPx: formatPx(spec, markInt),
      midPx: formatPx(spec, markInt),
      impactPxs: [formatPx(spec, markInt - tick), formatPx(spec, markInt + tick)],
      dayBaseVlm: formatSz(spec, market.dayBaseUnits[c]),
    };
  });
}

export function allMidsView(market: Market): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of market.coins) out[spec.name] = formatPx(spec, market.markInts[spec.index]);
  return out;
}

const ZERO_SUMMARY = { accountValue: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0', totalMarginUsed: '0.0' };

export function clearinghouseStateView(market: Market, t: TraderState | undefined): Record<string, unknown> {
  const time = market.now();
  if (!t) {
    return {
      marginSummary: { ...ZERO_SUMMARY },
      crossMarginSummary: { ...ZERO_SUMMARY },
      crossMaintenanceMarginUsed: '0.0',
      withdrawable: '0.0',
      assetPositions: [],
      time,
    };
  }
  const a = computeAccount(t, market.coins, market.marks);
  const summary = () => ({
    accountValue: formatUsd(a.accountValue),
    totalNtlPos: formatUsd(a.totalNtlPos),
    totalRawUsd: formatUsd(a.totalRawUsd),
    totalMarginUsed: formatUsd(a.totalMarginUsed),
  });
  return {
    marginSummary: summary(),
    crossMarginSummary: summary(),
    crossMaintenanceMarginUsed: formatUsd(a.maintenance),
    withdrawable: formatUsd(a.withdrawable),
    assetPositions: a.positions.map((p) => ({
      type: 'oneWay',
      position: {
        coin: p.spec.name,
        szi: formatSz(p.spec, p.pos.szi),
        leverage: { type: 'cross', value: p.leverage },
        entryPx: formatEntryPx(p.spec, p.pos.entryPx),
        positionValue: formatUsd(p.positionValue),
        unrealizedPnl: formatUsd(p.unrealizedPnl),
        returnOnEquity: formatSignificant(p.returnOnEquity, 10, 10),
        liquidationPx: p.liquidationPx === null ? null : formatSignificant(p.liquidationPx, 10, p.spec.pxDecimals + 4),
        marginUsed: formatUsd(p.marginUsed),
        maxLeverage: p.spec.maxLeverage,
        cumFunding: {
          allTime: formatUsd(t.fundingAllTime[p.spec.index]),
          sinceOpen: formatUsd(p.pos.sinceOpen),
          sinceChange: formatUsd(p.pos.sinceChange),
        },
      },
    })),
    time,
  };
}

export function wireFill(market: Market, f: FillRecord): WireFill {
  const spec = market.coins[f.coin];
  const out: WireFill = {
    coin: spec.name,
    px: formatPx(spec, f.pxInt),
    sz: formatSz(spec, f.szUnits),
    side: f.side,
    time: f.time,
    startPosition: formatSz(spec, f.startSzi),
    dir: f.dir,
    closedPnl: formatMicro(f.closedPnlMicro),
    hash: market.hashOf(f.hashId),
    oid: f.oid,
    crossed: f.crossed,
    fee: formatMicro(f.feeMicro),
    tid: f.tid,
    feeToken: 'USDC',
    twapId: null,
  };
  const cloid = market.exchange.cloidByOid.get(f.oid);
  if (cloid !== undefined) {
    // The exchange writes the order's cloid right after tid.
    const { feeToken, twapId, ...head } = out;
    return { ...head, cloid, feeToken, twapId };
  }
  if (f.liquidation) {
    // Keep the exchange's key order: liquidation sits before feeToken.
    const { feeToken, twapId, ...head } = out;
    return {
      ...head,
      liquidation: {
        liquidatedUser: f.liquidation.liquidatedUser,
        markPx: formatPx(spec, f.liquidation.markPxInt),
        method: f.liquidation.method,
      },
      feeToken,
      twapId,
    };
  }
  return out;
}

/** Newest first, at most 2000, out of the newest 10,000 kept. */
export function userFillsView(market: Market, t: TraderState | undefined): WireFill[] {
  if (!t) return [];
  const fills = t.fills;
  const floor = Math.max(0, fills.length - FILLS_PAGE);
  const out: WireFill[] = [];
  for (let i = fills.length - 1; i >= floor; i--) out.push(wireFill(market, fills.get(i)));
  return out;
}

/** Oldest first from startTime (inclusive) to endTime (inclusive), at most 2000, out of the newest 10,000. */
export function userFillsByTimeView(market: Market, t: TraderState | undefined, startTime: number, endTime?: number): WireFill[] {
  if (!t) return [];
  const fills = t.fills;
  let lo = 0;
  let hi = fills.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fills.time(mid) < startTime) lo = mid + 1;
    else hi = mid;
  }
  const out: WireFill[] = [];
  for (let i = lo; i < fills.length && out.length < FILLS_PAGE; i++) {
    if (endTime !== undefined && fills.time(i) > endTime) break;
    out.push(wireFill(market, fills.get(i)));
  }
  return out;
}

export function userFundingView(market: Market, t: TraderState | undefined, startTime: number, endTime?: number): unknown[] {
  if (!t) return [];
  const out: unknown[] = [];
  for (const f of t.funding) {
    if (f.time < startTime) continue;
    if (endTime !== undefined && f.time > endTime) break;
    const spec = market.coins[f.coin];
    out.push({
      time: f.time,
      hash: f.hash,
      delta: {
        type: 'funding',
        coin: spec.name,
        usdc: formatMicro(f.usdcMicro),
        szi: formatSz(spec, f.sziUnits),
        fundingRate: formatDecimal(f.rate, 8),
        nSamples: 1,
      },
    });
    if (out.length >= FUNDING_PAGE) break;
  }
  return out;
}

function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

export function portfolioView(market: Market, t: TraderState | undefined): unknown[] {
  const now = market.now();
  if (!t) return PERIODS.map(([name]) => [name, { accountValueHistory: [], pnlHistory: [], vlm: '0.0' }]);
  const av = accountValueOf(t, market.coins, market.marks);
  const live: HistoryPoint = { t: now, av, pnl: av - t.netDeposit, vlmMicro: t.volumeMicro };
  const hist = t.history;
  const points = hist.length > 0 && hist[hist.length - 1].t >= now ? [...hist.slice(0, -1), live] : [...hist, live];
  return PERIODS.map(([name, span]) => {
    let idx = 0;
    if (span !== Infinity) {
      const start = now - span;
      while (idx < points.length - 1 && points[idx].t < start) idx++;
    }
    const window = downsample(points.slice(idx), PORTFOLIO_POINTS);
    const base = window[0];
    const vlmBase = idx > 0 ? points[idx - 1].vlmMicro : 0n;
    return [
      name,
      {
        accountValueHistory: window.map((p) => [p.t, formatUsd(p.av)]),
        pnlHistory: window.map((p) => [p.t, formatUsd(p.pnl - base.pnl)]),
        vlm: formatBigScaled(live.vlmMicro - vlmBase, 6),
      },
    ];
  });
}

export function userRoleView(t: TraderState | undefined): Record<string, unknown> {
  if (!t) return { role: 'missing' };
  if (t.role === 'subAccount') return { role: 'subAccount', data: { master: t.roleData ?? '0x' + '0'.repeat(40) } };
  if (t.role === 'agent') return { role: 'agent', data: { user: t.roleData ?? '0x' + '0'.repeat(40) } };
  return { role: t.role };
}

export function positionTruth(market: Market, t: TraderState, c: number): TruthPosition | null {
  const pos = t.positions[c];
  if (!pos) return null;
  const spec = market.coins[c];
  return { coin: spec.name, szi: formatSz(spec, pos.szi), entryPx: formatEntryPx(spec, pos.entryPx) };
}

export function truthView(market: Market): TraderTruth[] {
  return market.traders.map((t) => {
    const positions: TruthPosition[] = [];
    for (let c = 0; c < market.coins.length; c++) {
      const p = positionTruth(market, t, c);
      if (p) positions.push(p);
    }
    return {
      address: t.address,
      kind: t.kind,
      role: t.role,
      positions,
      accountValue: formatUsd(accountValueOf(t, market.coins, market.marks)),
      volumeUsd: formatBigScaled(t.volumeMicro, 6),
      tradesCount: t.tradesCount,
    };
  });
}

