import Decimal from 'decimal.js';

/** Perp prices: at most 5 significant figures and at most 6 − szDecimals decimals; integers always pass. */
const MAX_SIGNIFICANT = 5;
const MAX_PERP_DECIMALS = 6;

function plain(d: Decimal): string {
  return d.isZero() ? '0' : d.toFixed();
}

/** A size rounded toward zero to the coin's szDecimals (the exchange refuses more decimals, it does not round). */
export function roundSizeDown(size: number | string, szDecimals: number): string {
  const d = new Decimal(size).abs().toDecimalPlaces(szDecimals, Decimal.ROUND_DOWN);
  return plain(d);
}

/** How many decimals a perp price may carry at this magnitude. */
export function priceDecimals(px: Decimal, szDecimals: number): number {
  if (px.gte(10 ** MAX_SIGNIFICANT)) return 0;
  const intDigits = px.gte(1) ? px.trunc().toString().length : 0;
  // Below 1, leading zeros after the point do not count as significant figures.
  const leadingZeros = px.gte(1) || px.isZero() ? 0 : -Math.floor(Math.log10(px.toNumber())) - 1;
  const bySignificance = MAX_SIGNIFICANT - intDigits + leadingZeros;
  return Math.max(0, Math.min(MAX_PERP_DECIMALS - szDecimals, bySignificance));
}

/**
 * A limit price that satisfies the exchange's tick rules, rounded to the adverse side (up for a
 * buy, down for a sell) so that the order still crosses at least as far as intended.
 */
export function roundPriceAdverse(px: number | string, szDecimals: number, isBuy: boolean): string {
  const d = new Decimal(px);
  if (!d.isPositive() || d.isZero()) throw new RangeError(`price must be positive, got ${String(px)}`);
  const mode = isBuy ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR;
  let out = d.toDecimalPlaces(priceDecimals(d, szDecimals), mode);
  // Rounding up can cross a power of ten (99999.5 → 100000) and so allow fewer decimals: re-round.
  out = out.toDecimalPlaces(priceDecimals(out, szDecimals), mode);
  if (out.isZero()) out = new Decimal(1).div(new Decimal(10).pow(MAX_PERP_DECIMALS - szDecimals));
  return plain(out);
}

/** Whether a price string is valid under the tick rules (used by tests and by the planner's self-check). */
export function isValidPerpPrice(px: string, szDecimals: number): boolean {
  const d = new Decimal(px);
  if (d.isInteger()) return true;
  return d.decimalPlaces() <= priceDecimals(d, szDecimals) && d.precision(true) <= MAX_SIGNIFICANT;
}
