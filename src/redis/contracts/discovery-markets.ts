import type { RedisContract } from './contract';

/** JSON array of the listed perps from the last `meta` read (discovery subscribes from it at boot). */
export const DiscoveryMarkets = { key: 'ts:discovery:markets' } as const;

export const encodeMarkets = (coins: readonly string[]): string => JSON.stringify(coins);

/** The coins, or null when the value is not a JSON array of strings. */
export function decodeMarkets(raw: string): string[] | null {
  const v: unknown = JSON.parse(raw);
  return Array.isArray(v) && v.every((c) => typeof c === 'string') ? v : null;
}

export const contract: RedisContract = {
  title: 'last known markets (discovery)',
  names: [{ name: DiscoveryMarkets.key, type: 'string' }],
  users: ['discovery'],
};
