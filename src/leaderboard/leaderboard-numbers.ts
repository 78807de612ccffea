/**
 * Numbers as a frontend wants them: every leaderboard figure is a JSON number (never a decimal
 * string), USD amounts rounded to cents, ratios and scores to 6 significant digits.
 */

export const RATIO_DIGITS = 6;

/** USD to cents (half away from zero); null stays null. Accepts the database's decimal text. */
export function usd(value: string | number | null): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return null;
  const cents = Math.sign(n) * Math.round(Math.abs(n) * 100);
  return cents / 100 || 0;
}

/** A ratio or score to RATIO_DIGITS significant digits; null (and non-finite) stays null. */
export function ratio(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Number(value.toPrecision(RATIO_DIGITS)) || 0;
}
