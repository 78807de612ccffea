import type { RedisContract } from './contract';

/**
 * Set (value = epoch ms) to ask the leaderboard worker for a recompute now (the admin route, the
 * exchange board); the scheduler takes it with GETDEL and puts it back (NX) when the run fails.
 */
export const LeaderboardRecalculate = { key: 'ts:leaderboard:recalculate-requested' } as const;

export const encodeRecalculateRequest = (at: number): string => String(at);

export const contract: RedisContract = {
  title: 'leaderboard recompute request (admin, exchange board → leaderboard worker)',
  names: [{ name: LeaderboardRecalculate.key, type: 'string' }],
  users: ['admin', 'leaderboard'],
};
