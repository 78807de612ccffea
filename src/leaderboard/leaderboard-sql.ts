import type { LeaderboardWindow } from './leaderboard-windows';

/** Building blocks shared by the leaderboard's SQL (the statements live in the repositories). */

/** The computation time and where each window starts (exclusive); `sealed`: the ledger's sealed mark. */
export interface Times {
  t0: Date;
  sealed: Date;
  s30: Date;
  s7: Date;
  s1: Date;
}

/** One window as the SQL builders see it: its name, its column suffix and its age bucket. */
export interface WindowSql {
  name: LeaderboardWindow;
  /** Column suffix: 1, 7, 30, a. */
  s: string;
  /** Rows with bucket ≤ this belong to the window (buckets: 1 = last day, 2 = 1–7 d, 3 = 7–30 d, 4 = older). */
  maxBucket: number;
}

export const WINDOWS: readonly WindowSql[] = [
  { name: '1d', s: '1', maxBucket: 1 },
  { name: '7d', s: '7', maxBucket: 2 },
  { name: '30d', s: '30', maxBucket: 3 },
  { name: 'all', s: 'a', maxBucket: 4 },
];

/** A timestamptz literal (from a Date: no user input reaches it). */
export const lit = (d: Date): string => `'${d.toISOString()}'::timestamptz`;

/** A float8 literal (from a validated, finite number). */
export const num = (n: number): string => {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return `${n}::float8`;
};

/**
 * Defence in depth: the stream is validated at the boundary, but one bad stored value (a price of
 * 1e400, a size of 0) must never fail a generation, and every float8 cast downstream would.
 * A fill's notional when its price and size are what a real trade can have, else 0.
 */
export const saneNotional = (px: string, sz: string): string =>
  `CASE WHEN ${px} > 0 AND ${px} < 1e15 AND ${sz} > 0 AND ${sz} < 1e15 THEN ${px} * ${sz} ELSE 0 END`;

/** A money amount, or NULL when it is beyond any real one (its float8 cast would overflow). */
export const saneAmount = (x: string): string => `CASE WHEN abs(${x}) < 1e18 THEN ${x} END`;

/** Fills timed before this are not real trades (a 1969 timestamp): they never start the ledger. */
export const LEDGER_EPOCH = `'2000-01-01T00:00:00Z'::timestamptz`;
