import type { RedisContract } from './contract';

/** The per-address lock of a `userRole` lookup (SET NX EX): one worker asks the exchange, once. */
export const RoleCheckLock = {
  prefix: 'ts:role-check:',
  key: (address: string): string => `${RoleCheckLock.prefix}${address}`,
} as const;

export const contract: RedisContract = {
  title: 'role check locks (tracking)',
  names: [{ name: RoleCheckLock.prefix, type: 'prefix' }],
  users: ['tracking'],
};
