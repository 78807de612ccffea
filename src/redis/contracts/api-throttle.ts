import type { RedisContract } from './contract';

/** The public REST limiter's counters: `ts:throttle:<throttler>:<client IP>` (+ the storage's `{…}:hits` / `{…}:blocked`). */
export const ApiThrottle = {
  prefix: 'ts:throttle',
  key: (name: string, tracker: string): string => `${ApiThrottle.prefix}:${name}:${tracker}`,
} as const;

export const contract: RedisContract = {
  title: 'public REST rate limiter',
  names: [{ name: ApiThrottle.prefix, type: 'prefix' }],
  users: ['throttle'],
};
