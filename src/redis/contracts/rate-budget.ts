import type { RedisContract } from './contract';

/**
 * The shared REST weight budget: `ts:budget:{<identity>}:<part>` (the braces keep one budget's keys
 * in one cluster slot for its Lua scripts; see rate-budget/rate-budget.scripts.ts for each part).
 */
export const RateBudgetKeys = {
  prefix: 'ts:budget',
  /** The script's KEYS, in the order the scripts read them. */
  parts: ['window', 'total', 'queue', 'queue-exp', 'seq', 'paused-until', '429-count', 'epoch'],
  /** The low-priority share's ZSET. */
  lowShare: 'low-share',
} as const;

/** The base of one budget's keys. */
export const rateBudgetBase = (prefix: string, identity: string): string => `${prefix}:{${identity}}`;

/** One budget's script keys, in RateBudgetKeys.parts order. */
export const rateBudgetScriptKeys = (base: string): string[] => RateBudgetKeys.parts.map((k) => `${base}:${k}`);

/** One budget's low-priority share key. */
export const rateBudgetLowShareKey = (base: string): string => `${base}:${RateBudgetKeys.lowShare}`;

export const contract: RedisContract = {
  title: 'rate budget (every exchange caller)',
  names: [{ name: RateBudgetKeys.prefix, type: 'prefix' }],
  users: ['rate-budget'],
};
