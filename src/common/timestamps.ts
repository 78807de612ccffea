/**
 * ISO 8601 of a stored timestamp, or null when it cannot be one (a value past JS Date's range,
 * e.g. year 287168, reaches us as an Invalid Date; `infinity` as ±Infinity). Readers map rows
 * with it so one bad stored value never fails a page or a relay.
 */
export function isoOrNull(value: Date | string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
