import type Redis from 'ioredis';
import type { RedisContract } from './contract';

/** One ask to tracking: an address and when (ms) it was raised (the ZSET score). */
export interface TrackingSignal {
  address: string;
  at: number;
}

/**
 * The ZSETs (member = address, score = time in ms) other processes use to ask tracking for an early
 * snapshot. Writers ZADD NX, so a member keeps its oldest time; tracking ZRANGEs and ZREMs.
 */
export const TrackingSignals = {
  /** Oldest trade not yet seen by tracking, per address (discovery, the admin route). */
  traded: 'ts:signals:traded',
  /** Baselined traders whose derived state looks wrong (live engine, a new follow of an unbaselined leader). */
  reconcile: 'ts:signals:reconcile',
  /** Addresses whose trades look like a vault's (live engine → tracking's vault check). */
  vaultSuspects: 'ts:signals:vault-suspects',
} as const;

export type TrackingSignalKey = (typeof TrackingSignals)[keyof typeof TrackingSignals];

/** ZADD NX of `signals` into `key` (a member keeps its oldest time); answers how many were new. */
export async function raiseSignals(redis: Redis, key: TrackingSignalKey, signals: readonly TrackingSignal[]): Promise<number> {
  if (signals.length === 0) return 0;
  return Number(await redis.zadd(key, 'NX', ...signalArgs(signals)));
}

/** ZADD's score/member arguments for `signals`. */
export function signalArgs(signals: Iterable<TrackingSignal>): Array<string | number> {
  const args: Array<string | number> = [];
  for (const s of signals) args.push(s.at, s.address);
  return args;
}

/** A ZRANGE … WITHSCORES reply ([member, score, …]) → signals. */
export function decodeSignalsWithScores(raw: readonly string[]): TrackingSignal[] {
  const out: TrackingSignal[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ address: raw[i], at: Number(raw[i + 1]) });
  return out;
}

export const contract: RedisContract = {
  title: 'tracking signals (discovery, live, admin, copy → tracking)',
  names: [
    { name: TrackingSignals.traded, type: 'zset' },
    { name: TrackingSignals.reconcile, type: 'zset' },
    { name: TrackingSignals.vaultSuspects, type: 'zset' },
  ],
  users: ['admin', 'copy', 'discovery', 'live', 'stats', 'tracking'],
};
