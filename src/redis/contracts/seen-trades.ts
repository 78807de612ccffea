import type { RedisContract } from './contract';

/**
 * Per-minute SETs of `coin:tid` already handed to the trades stream (discovery's de-duplication
 * across replicas): `ts:seen:<minute of exchange time>`. Built inside discovery's hand-off Lua.
 */
export const SeenTrades = {
  prefix: 'ts:seen:',
  /** A trade's member in its set. */
  member: (coin: string, tid: number | string): string => `${coin}:${tid}`,
} as const;

export const contract: RedisContract = {
  title: 'seen trades (discovery de-duplication)',
  names: [{ name: SeenTrades.prefix, type: 'prefix' }],
  users: ['discovery'],
};
