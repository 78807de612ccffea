import { roundPriceAdverse, roundSizeDown } from './rounding';

/** The exchange's minimum order value. */
export const MIN_ORDER_USD = 10;

export type OrderKind = 'open' | 'increase' | 'decrease' | 'close' | 'flip_close' | 'flip_open';
export type SkipReason = 'below_minimum' | 'below_lot_size' | 'stale_signal' | 'within_band' | 'no_price';

export interface PlanCoinInput {
  coin: string;
  desired: number;
  actual: number;
  /** Latest stream price; null/0 when none is known. */
  price: number | null;
  szDecimals: number;
}

export interface PlanOptions {
  /** `signal`: a leader change (its age matters); `reconcile`: the periodic comparison (the band matters). */
  mode: 'signal' | 'reconcile';
  entrySlippageBps: number;
  exitSlippageBps: number;
  /** The leader change is older than COPY_MAX_SIGNAL_AGE_SECONDS: opens and increases nothing. */
  stale: boolean;
  /** Reconciliation trades only past this share of the position (percent). */
  rebalanceBandPct: number;
}

export interface PlannedOrder {
  coin: string;
  kind: OrderKind;
  isBuy: boolean;
  /** Rounded toward zero to szDecimals. */
  size: string;
  /** IOC limit, rounded to the tick on the adverse side. */
  limitPrice: string;
  reduceOnly: boolean;
  /** Signed size change this order aims at. */
  delta: number;
}

export interface SkippedDecision {
  coin: string;
  kind: OrderKind;
  reason: SkipReason;
  isBuy: boolean;
  size: string;
  delta: number;
}

export interface CoinPlan {
  orders: PlannedOrder[];
  skipped: SkippedDecision[];
}

const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

function limitFor(price: number, isBuy: boolean, bps: number, szDecimals: number): string {
  const raw = isBuy ? price * (1 + bps / 10_000) : price * (1 - bps / 10_000);
  return roundPriceAdverse(raw, szDecimals, isBuy);
}

/**
 * The orders that take one coin from `actual` to `desired`. Exits (reductions, closes) are
 * reduce-only with the wider exit slippage and always go; entries (opens, increases) use the
 * entry slippage, open nothing on a stale signal, and are not sent under $10. A flip is a
 * reduce-only close, then an open. Reconciliation leaves differences inside the band alone.
 */
export function planCoin(input: PlanCoinInput, opts: PlanOptions): CoinPlan {
  const { coin, desired, actual, szDecimals } = input;
  const out: CoinPlan = { orders: [], skipped: [] };
  const delta = desired - actual;
  if (Number(roundSizeDown(delta, szDecimals)) === 0 && !(desired === 0 && actual !== 0)) {
    // A leader's change too small for the coin's lot size is said, not silently dropped.
    if (opts.mode === 'signal' && delta !== 0) {
      out.skipped.push({ coin, kind: kindOf(desired, actual), reason: 'below_lot_size', isBuy: delta > 0, size: '0', delta });
    }
    return out;
  }
  const price = input.price && input.price > 0 ? input.price : null;
  const closing = desired === 0 || Number(roundSizeDown(desired, szDecimals)) === 0;

  if (opts.mode === 'reconcile' && !closing) {
    const scale = Math.max(Math.abs(desired), Math.abs(actual));
    if (Math.abs(delta) <= (opts.rebalanceBandPct / 100) * scale) {
      out.skipped.push({ coin, kind: kindOf(desired, actual), reason: 'within_band', isBuy: delta > 0, size: roundSizeDown(delta, szDecimals), delta });
      return out;
    }
  }
  const exitBps = Math.max(opts.entrySlippageBps, opts.exitSlippageBps);
  const exit = (size: number, kind: OrderKind, isClose: boolean): void => {
    const isBuy = actual < 0;
    const sz = roundSizeDown(size, szDecimals);
    if (Number(sz) === 0) return;
    if (!price) return void out.skipped.push({ coin, kind, reason: 'no_price', isBuy, size: sz, delta: isBuy ? size : -size });
    if (!isClose && Number(sz) * price < MIN_ORDER_USD) {
      return void out.skipped.push({ coin, kind, reason: 'below_minimum', isBuy, size: sz, delta: isBuy ? size : -size });
    }
    out.orders.push({ coin, kind, isBuy, size: sz, limitPrice: limitFor(price, isBuy, exitBps, szDecimals), reduceOnly: true, delta: isBuy ? Number(sz) : -Number(sz) });
  };
  const entry = (signedSize: number, kind: OrderKind): void => {
    const isBuy = signedSize > 0;
    const sz = roundSizeDown(signedSize, szDecimals);
    if (Number(sz) === 0) return;
    const skip = (reason: SkipReason) => out.skipped.push({ coin, kind, reason, isBuy, size: sz, delta: signedSize });
    if (opts.stale && opts.mode === 'signal') return void skip('stale_signal');
    if (!price) return void skip('no_price');
    if (Number(sz) * price < MIN_ORDER_USD) return void skip('below_minimum');
    out.orders.push({ coin, kind, isBuy, size: sz, limitPrice: limitFor(price, isBuy, opts.entrySlippageBps, szDecimals), reduceOnly: false, delta: isBuy ? Number(sz) : -Number(sz) });
  };

  if (actual !== 0 && (closing || sign(desired) !== sign(actual))) {
    // Close the whole position (a close is sent whatever its value).
    exit(Math.abs(actual), closing ? 'close' : 'flip_close', true);
    if (!closing) entry(desired, 'flip_open');
  } else if (actual !== 0 && Math.abs(desired) < Math.abs(actual)) {
    exit(Math.abs(delta), 'decrease', false);
  } else {
    entry(delta, actual === 0 ? 'open' : 'increase');
  }
  return out;
}

function kindOf(desired: number, actual: number): OrderKind {
  if (actual === 0) return 'open';
  if (desired === 0) return 'close';
  if (sign(desired) !== sign(actual)) return 'flip_close';
  return Math.abs(desired) < Math.abs(actual) ? 'decrease' : 'increase';
}
