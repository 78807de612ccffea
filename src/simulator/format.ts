/**
 * Number formatting the way the exchange writes numbers: decimal strings, no exponent,
 * trailing zeros stripped but at least one decimal ("98450.0", "0.00017", "-1.5").
 */

/** Strip trailing zeros of a fixed-point string, keeping at least ".0"; never "-0.0". */
function tidy(fixed: string): string {
  let s = fixed;
  if (s.indexOf('.') === -1) s += '.0';
  else {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
    if (s.charCodeAt(end - 1) === 46 /* . */) end++;
    s = s.slice(0, end);
  }
  if (s === '-0.0') return '0.0';
  return s;
}

/** An integer `n` scaled by 10^-decimals, e.g. (1234, 2) → "12.34". Exact for safe integers. */
export function formatScaled(n: number, decimals: number): string {
  const neg = n < 0;
  const digits = String(neg ? -n : n);
  if (decimals === 0) return (neg && n !== 0 ? '-' : '') + digits + '.0';
  const padded = digits.length <= decimals ? '0'.repeat(decimals - digits.length + 1) + digits : digits;
  const cut = padded.length - decimals;
  return tidy((neg ? '-' : '') + padded.slice(0, cut) + '.' + padded.slice(cut));
}

/** Same as formatScaled for bigint amounts (volume sums). */
export function formatBigScaled(n: bigint, decimals: number): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString();
  const padded = digits.length <= decimals ? '0'.repeat(decimals - digits.length + 1) + digits : digits;
  const cut = padded.length - decimals;
  return tidy((neg ? '-' : '') + padded.slice(0, cut) + (decimals > 0 ? '.' + padded.slice(cut) : ''));
}

/** A float rounded to at most `maxDecimals` decimals. */
export function formatDecimal(x: number, maxDecimals: number): string {
  if (!Number.isFinite(x)) return '0.0';
  return tidy(x.toFixed(maxDecimals));
}

/** USD amounts: at most 6 decimals, like the exchange's pnl / fee / account fields. */
export function formatUsd(x: number): string {
  return formatDecimal(x, 6);
}

/** USD held as an integer number of micro-dollars. */
export function formatMicro(micro: number): string {
  return formatScaled(micro, 6);
}

/** A float with about `sig` significant digits (ratios, liquidation prices). */
export function formatSignificant(x: number, sig: number, maxDecimals = 12): string {
  if (!Number.isFinite(x) || x === 0) return '0.0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.min(maxDecimals, Math.max(1, sig - 1 - mag));
  return formatDecimal(x, decimals);
}

export function toMicro(x: number): number {
  return Math.round(x * 1e6);
}

/**
 * Parse a decimal number or string into an integer count of 10^-decimals units, rounding half
 * away from zero. Strings are parsed digit by digit so "0.1" is exactly 1 unit at 1 decimal.
 * Returns NaN for anything that is not a plain decimal.
 */
export function parseScaled(value: number | string, decimals: number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NaN;
    return Math.round(value * 10 ** decimals + (value >= 0 ? 1e-9 : -1e-9));
  }
  const m = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return NaN;
  const sign = m[1] === '-' ? -1 : 1;
  const intPart = m[2] === '' ? '0' : m[2];
  const frac = m[3] ?? '';
  const kept = (frac + '0'.repeat(decimals)).slice(0, decimals);
  let units = Number(intPart + kept);
  if (frac.length > decimals && Number(frac[decimals]) >= 5) units += 1;
  return sign * units;
}
