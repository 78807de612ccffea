import Decimal from 'decimal.js';

/**
 * The exchange's price and size rules for perps (EXCHANGE.md "Price and size"):
 * - a price has at most 5 significant figures and at most `6 − szDecimals` decimals; an integer
 *   price is always allowed, whatever its number of figures;
 * - a size has at most `szDecimals` decimals. The exchange refuses anything else, it never rounds.
 * Pure functions on decimal strings (decimal.js), no floats.
 */

export const MAX_PRICE_SIGNIFICANT_FIGURES = 5;
export const PERP_MAX_DECIMALS = 6;
export const MIN_ORDER_VALUE_USD = 10;

export type RoundingDirection = 'up' | 'down';

const D = Decimal.clone({ precision: 40, toExpNeg: -40, toExpPos: 40 });

export function maxPriceDecimals(szDecimals: number): number {
  return Math.max(0, PERP_MAX_DECIMALS - szDecimals);
}

/** The exchange's way of writing a decimal: no exponent, no trailing zeros ("1900", "0.0123"). */
export function formatDecimal(value: Decimal.Value): string {
  return new D(value).toFixed();
}

/**
 * The number of decimals a price of this magnitude may have: min(6 − szDecimals, 5 − digits
 * before the point), never below 0 (an integer price is always valid).
 */
function allowedDecimals(px: Decimal, szDecimals: number): number {
  const intDigits = px.abs().lt(1) ? 0 : px.abs().trunc().toFixed().length;
  const bySig = px.abs().lt(1)
    ? MAX_PRICE_SIGNIFICANT_FIGURES - 1 - Math.floor(Math.log10(px.abs().toNumber()))
    : MAX_PRICE_SIGNIFICANT_FIGURES - intDigits;
  return Math.max(0, Math.min(maxPriceDecimals(szDecimals), bySig));
}

/** `value` as a finite decimal > 0, or null (not a number, not finite, or not positive). */
function positiveDecimal(value: string): Decimal | null {
  let d: Decimal;
  try {
    d = new D(value);
  } catch {
    return null;
  }
  return d.isFinite() && d.gt(0) ? d : null;
}

/** Whether the exchange accepts `price` for a perp with `szDecimals` (and it is > 0). */
export function isValidPrice(price: string, szDecimals: number): boolean {
  const px = positiveDecimal(price);
  if (px === null) return false;
  if (px.isInteger()) return true;
  return px.decimalPlaces() <= allowedDecimals(px, szDecimals);
}

/** Whether `size` is > 0 with at most `szDecimals` decimals. */
export function isValidSize(size: string, szDecimals: number): boolean {
  const sz = positiveDecimal(size);
  return sz !== null && sz.decimalPlaces() <= szDecimals;
}

/**
 * `price` rounded onto the exchange's grid in `direction`. Rounding can move the price to a new
 * magnitude (99999.5 up → 100000); the result is valid either way.
 */
export function roundPrice(price: Decimal.Value, szDecimals: number, direction: RoundingDirection): string {
  const px = new D(price);
  if (!px.isFinite() || px.lte(0)) throw new RangeError(`price must be > 0, got ${String(price)}`);
  const mode = direction === 'up' ? Decimal.ROUND_UP : Decimal.ROUND_DOWN;
  let out = px.toDecimalPlaces(allowedDecimals(px, szDecimals), mode);
  if (out.lte(0)) out = new D(1).div(new D(10).pow(maxPriceDecimals(szDecimals)));
  // Rounding up across a power of ten (9.99995 → 10.000) can leave one decimal too many.
  if (!isValidPrice(out.toFixed(), szDecimals)) out = out.toDecimalPlaces(allowedDecimals(out, szDecimals), mode);
  return out.toFixed();
}

/**
 * The adverse-side limit: a buy rounds up and a sell rounds down, so a limit computed as
 * "reference ± slippage" still crosses after rounding and never allows more than the slippage in
 * the other direction by more than one tick.
 */
export function adversePrice(price: Decimal.Value, isBuy: boolean, szDecimals: number): string {
  return roundPrice(price, szDecimals, isBuy ? 'up' : 'down');
}

/** `size` truncated toward zero to `szDecimals` decimals ("0" when nothing is left). */
export function roundSize(size: Decimal.Value, szDecimals: number): string {
  return new D(size).toDecimalPlaces(szDecimals, Decimal.ROUND_DOWN).abs().toFixed();
}

/** price × size in USD. */
export function orderValue(price: Decimal.Value, size: Decimal.Value): string {
  return new D(price).mul(size).toFixed();
}

/** Whether price × size reaches the exchange's $10 minimum. */
export function meetsMinimumValue(price: Decimal.Value, size: Decimal.Value): boolean {
  return new D(price).mul(size).gte(MIN_ORDER_VALUE_USD);
}
