import type { CoinSpec } from './coins';
import { liquidationPrice, unrealizedPnl } from './position-math';
import type { PositionState, TraderState } from './state';

export interface PositionFigures {
  readonly spec: CoinSpec;
  readonly pos: PositionState;
  /** Signed size in coins. */
  readonly size: number;
  readonly mark: number;
  readonly positionValue: number;
  readonly unrealizedPnl: number;
  readonly leverage: number;
  readonly marginUsed: number;
  readonly maintenance: number;
  readonly returnOnEquity: number;
  liquidationPx: number | null;
}

export interface AccountFigures {
  readonly accountValue: number;
  readonly totalNtlPos: number;
  readonly totalRawUsd: number;
  readonly totalMarginUsed: number;
  readonly maintenance: number;
  readonly withdrawable: number;
  readonly positions: PositionFigures[];
}

/** Maintenance margin is half the initial margin at max leverage, as on the exchange. */
export function maintenanceRate(spec: CoinSpec): number {
  return 1 / (2 * spec.maxLeverage);
}

/** Cross-margin account figures at the given marks (clearinghouseState's numbers). */
export function computeAccount(t: TraderState, coins: readonly CoinSpec[], marks: ArrayLike<number>): AccountFigures {
  const positions: PositionFigures[] = [];
  let upnl = 0;
  let ntl = 0;
  let signedNtl = 0;
  let margin = 0;
  let maint = 0;
  for (let c = 0; c < coins.length; c++) {
    const pos = t.positions[c];
    if (!pos || pos.szi === 0) continue;
    const spec = coins[c];
    const mark = marks[c];
    const size = pos.szi / spec.szScale;
    const value = Math.abs(size) * mark;
    const u = unrealizedPnl(pos.szi, pos.entryPx, mark, spec.szScale);
    const lev = t.leverage[c];
    const m = value / lev;
    const mm = value * maintenanceRate(spec);
    const entryMargin = (Math.abs(size) * pos.entryPx) / lev;
    positions.push({
      spec,
      pos,
      size,
      mark,
      positionValue: value,
      unrealizedPnl: u,
      leverage: lev,
      marginUsed: m,
      maintenance: mm,
      returnOnEquity: entryMargin > 0 ? u / entryMargin : 0,
      liquidationPx: null,
    });
    upnl += u;
    ntl += value;
    signedNtl += size * mark;
    margin += m;
    maint += mm;
  }
  const accountValue = t.cashMicro / 1e6 + upnl;
  for (const p of positions) {
    p.liquidationPx = liquidationPrice({
      size: p.size,
      markPx: p.mark,
      accountValue,
      otherMaintenance: maint - p.maintenance,
      maintenanceRate: maintenanceRate(p.spec),
    });
  }
  return {
    accountValue,
    totalNtlPos: ntl,
    totalRawUsd: accountValue - signedNtl,
    totalMarginUsed: margin,
    maintenance: maint,
    withdrawable: Math.max(0, accountValue - margin),
    positions,
  };
}

/** Account value only (cheap; for portfolio sampling). */
export function accountValueOf(t: TraderState, coins: readonly CoinSpec[], marks: ArrayLike<number>): number {
  let v = t.cashMicro / 1e6;
  for (let c = 0; c < coins.length; c++) {
    const pos = t.positions[c];
    if (pos && pos.szi !== 0) v += unrealizedPnl(pos.szi, pos.entryPx, marks[c], coins[c].szScale);
  }
  return v;
}
