import type Redis from 'ioredis';
import { CopyKeys } from '../copy-channels';

/** Renews only leases this worker holds (compare-and-expire). */
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]); out[i] = 1 else out[i] = 0 end
end
return out`;

const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`;

/**
 * One worker drives a follower at a time: a Redis lease per follower (SET NX PX), renewed while
 * held. A worker that stops renewing (crash, long pause) loses its followers to another within
 * the TTL.
 */
export class CopyLeases {
  constructor(
    private readonly redis: Redis,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Renews the held leases and tries to take the others; returns the ids this worker now holds. */
  async claim(held: string[], wanted: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (held.length > 0) {
      const renewed = (await this.redis.eval(RENEW, held.length, ...held.map(CopyKeys.lease), this.owner, this.ttlMs)) as number[];
      held.forEach((id, i) => renewed[i] === 1 && out.add(id));
    }
    const free = wanted.filter((id) => !held.includes(id));
    if (free.length > 0) {
      const p = this.redis.pipeline();
      for (const id of free) p.set(CopyKeys.lease(id), this.owner, 'PX', this.ttlMs, 'NX');
      const res = (await p.exec()) ?? [];
      free.forEach((id, i) => res[i]?.[1] === 'OK' && out.add(id));
    }
    return out;
  }

  async release(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.eval(RELEASE, ids.length, ...ids.map(CopyKeys.lease), this.owner);
  }
}
