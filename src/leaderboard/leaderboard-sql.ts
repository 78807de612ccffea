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
