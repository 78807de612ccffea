import type { RedisContract } from './contract';

/** Leases of single-leader work (value = the holder's token, PX TTL; see live/leader-lock.ts). */
export const LeaderLocks = {
  /** The one live applier across replicas. */
  liveApplier: 'ts:lock:live-applier',
} as const;

export const contract: RedisContract = {
  title: 'leader locks',
  names: [{ name: LeaderLocks.liveApplier, type: 'string' }],
  users: ['live'],
};
