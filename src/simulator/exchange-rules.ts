import type { CoinSpec } from './coins';

/** The exchange's refusal texts for orders (each order error ends with ` asset=<index>`). */
export const ORDER_ERRORS = {
  tick: 'Price must be divisible by tick size.',
  size: 'Order has invalid size.',
  minValue: 'Order must have minimum value of $10.',
  margin: 'Insufficient margin to place order.',
  reduceOnly: 'Reduce only order would increase position.',
  iocNoMatch: 'Order could not immediately match against any resting orders.',
  farFromReference: 'Order price cannot be more than 80% away from the reference price',
} as const;

/** `orderStatus` status of an order refused for each reason (OrderProcessingStatus). */
export const REJECTED_STATUS: Readonly<Record<keyof typeof ORDER_ERRORS | 'alo', string>> = {
  tick: 'tickRejected',
  size: 'rejected',
  minValue: 'minTradeNtlRejected',
  margin: 'perpMarginRejected',
  reduceOnly: 'reduceOnlyRejected',
  iocNoMatch: 'iocCancelRejected',
  farFromReference: 'rejected',
  alo: 'badAloPxRejected',
};

export const MIN_ORDER_VALUE_MICRO = 10_000_000;

/** Digits of a decimal string without sign, leading zeros or the point. */
function significantFigures(intPart: string, frac: string): number {
  const digits = (intPart + frac).replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/**
 * The price grid: at most 5 significant figures and at most `6 − szDecimals` decimals; an integer
 * price is always valid. Returns the price in 1/pxScale units, or undefined when off the grid.
 */
export function priceOnGrid(spec: CoinSpec, px: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(px);
  if (!m) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > spec.pxDecimals) return undefined;
  if (frac.length > 0 && significantFigures(m[1], frac) > 5) return undefined;
  const units = Number(m[1] + frac.padEnd(spec.pxDecimals, '0'));
  return units > 0 && Number.isSafeInteger(units) ? units : undefined;
}

/** A size with at most `szDecimals` decimals, > 0, in 1/szScale units; undefined otherwise. */
export function sizeOnGrid(spec: CoinSpec, sz: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(sz);
  if (!m) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > spec.szDecimals) return undefined;
  const units = Number(m[1] + frac.padEnd(spec.szDecimals, '0'));
  return units > 0 && Number.isSafeInteger(units) ? units : undefined;
}

/** One grid step at a price (grid integer units): 10^(pxDecimals − allowed decimals at that magnitude). */
export function gridStep(spec: CoinSpec, pxInt: number): number {
  const px = pxInt / spec.pxScale;
  let dec = 4 - Math.floor(Math.log10(px));
  if (dec > spec.pxDecimals) dec = spec.pxDecimals;
  if (dec < 0) dec = 0;
  return 10 ** (spec.pxDecimals - dec);
}
