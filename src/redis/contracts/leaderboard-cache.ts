import type { RedisContract } from './contract';

/**
 * The leaderboard's page cache: `ts:cache:leaderboard:<generation>:<hash of the parameters>`, and
 * the channel on which the admin's cache clear tells every api to drop the pages it holds.
 */
export const LeaderboardCacheKeys = {
  prefix: 'ts:cache:leaderboard:',
  key: (generation: number, hash: string): string => `${LeaderboardCacheKeys.prefix}${generation}:${hash}`,
  /** The same pages under Keyv's `::` namespace separator (the Nest cache stores `ts:cache::<key>`). */
  keyvPrefix: 'ts:cache::leaderboard:',
  /** Pub/sub: the admin cleared the cache (message: epoch ms). */
  clearedChannel: 'ts:leaderboard:cache-cleared',
} as const;

/** SCAN MATCH patterns of every cached page, both namings. */
export const LEADERBOARD_CACHE_PATTERNS: readonly string[] = [`${LeaderboardCacheKeys.prefix}*`, `${LeaderboardCacheKeys.keyvPrefix}*`];

/** The cache-cleared message: when the cache was cleared (epoch ms). */
export const encodeCacheCleared = (at: number): string => String(at);

export const contract: RedisContract = {
  title: 'leaderboard page cache (leaderboard api, admin clear)',
  names: [
    { name: LeaderboardCacheKeys.prefix, type: 'prefix' },
    { name: LeaderboardCacheKeys.keyvPrefix, type: 'prefix' },
    { name: LeaderboardCacheKeys.clearedChannel, type: 'channel' },
  ],
  users: ['admin', 'leaderboard'],
};
