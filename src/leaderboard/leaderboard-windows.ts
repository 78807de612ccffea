/** The leaderboard's time windows, relative to the computation time (`all` = everything). */
export const LEADERBOARD_WINDOWS = ['1d', '7d', '30d', 'all'] as const;
export type LeaderboardWindow = (typeof LEADERBOARD_WINDOWS)[number];

/** Length of each window in days (`null`: unbounded). */
export const WINDOW_DAYS: Readonly<Record<LeaderboardWindow, number | null>> = { '1d': 1, '7d': 7, '30d': 30, all: null };

const DAY_MS = 86_400_000;

/** Where a window starts (exclusive) for a computation at `at`; `null` for `all`. */
export function windowStart(at: Date, window: LeaderboardWindow): Date | null {
  const days = WINDOW_DAYS[window];
  return days === null ? null : new Date(at.getTime() - days * DAY_MS);
}

export function isLeaderboardWindow(value: unknown): value is LeaderboardWindow {
  return typeof value === 'string' && (LEADERBOARD_WINDOWS as readonly string[]).includes(value);
}
