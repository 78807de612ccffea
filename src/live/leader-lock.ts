import Redis from 'ioredis';
import { randomUUID } from 'crypto';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A Redis lease for single-leader work: acquire or renew each step; lost when not renewed in time. */
export class LeaderLock {
  private readonly token = randomUUID();
  private heldUntil = 0;
  /** Counts fresh acquisitions: a holder whose epoch moved may have been replaced meanwhile. */
  epoch = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  get held(): boolean {
    return Date.now() < this.heldUntil;
  }

  async acquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    if (this.held && this.heldUntil - now > this.ttlMs / 2) return true;
    const renewed = this.held ? Number(await this.redis.eval(RENEW, 1, this.key, this.token, this.ttlMs)) === 1 : false;
    const acquired = !renewed && (await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX')) === 'OK';
    if (acquired) this.epoch++;
    const ok = renewed || acquired;
    this.heldUntil = ok ? now + this.ttlMs : 0;
    return ok;
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
