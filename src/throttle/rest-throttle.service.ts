import { Injectable } from '@nestjs/common';
import {
  DEFAULT_IPV6_SUBNET_PREFIX,
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerModuleOptions,
  ThrottlerOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { IncomingMessage } from 'http';
import { AppConfig } from '../config/app-config';
import { BatchedThrottlerStorage } from './batched-throttler.storage';
import { throttleKey } from './api-throttler.guard';
import { clientIp } from './client-ip';
import type { ThrottleRecord } from './throttle-window';

/**
 * The per-IP limit of ApiThrottlerGuard for code that answers before Nest's pipeline (the cached
 * leaderboard's fast path): the same storage, key, limit and rate-limit headers.
 */
@Injectable()
export class RestThrottle {
  private readonly throttler: ThrottlerOptions & { ttl: number; limit: number; blockDuration: number };
  private readonly ipv6Prefix: number;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    private readonly config: AppConfig,
  ) {
    const o = Array.isArray(options) ? { throttlers: options } : options;
    const t = o.throttlers[0];
    if (o.throttlers.length !== 1 || typeof t.ttl !== 'number' || typeof t.limit !== 'number') {
      throw new Error('RestThrottle expects the one fixed "default" throttler of ThrottleModule');
    }
    this.throttler = { ...t, ttl: t.ttl, limit: t.limit, blockDuration: typeof t.blockDuration === 'number' ? t.blockDuration : t.ttl };
    this.ipv6Prefix = (Array.isArray(options) ? undefined : options.ipv6SubnetPrefix) ?? DEFAULT_IPV6_SUBNET_PREFIX;
  }

  /**
   * Counts one request of `req`'s client (its address as Express's req.ip under TRUST_PROXY_HOPS).
   * Allowed: the guard's X-RateLimit-* headers as a flat [name, value, …] list (at once when the
   * count is decided in this process, else once Redis answered); over the limit: null, and the
   * request should go through Nest, whose guard answers 429 with Retry-After.
   */
  check(req: IncomingMessage): string[] | null | Promise<string[] | null> {
    const { name, ttl, limit, blockDuration } = this.throttler;
    const key = throttleKey(name ?? 'default', normalizeIp(clientIp(req, this.config.trustProxyHops), this.ipv6Prefix));
    const now = this.storage instanceof BatchedThrottlerStorage ? this.storage.incrementNow(key, ttl, limit, blockDuration, name!) : null;
    if (now) return this.verdict(now);
    return this.storage.increment(key, ttl, limit, blockDuration, name!).then((r) => this.verdict(r));
  }

  private verdict(r: ThrottleRecord): string[] | null {
    if (r.isBlocked) return null;
    const limit = this.throttler.limit;
    return ['X-RateLimit-Limit', String(limit), 'X-RateLimit-Remaining', String(Math.max(0, limit - r.totalHits)), 'X-RateLimit-Reset', String(r.timeToExpire)];
  }
}
