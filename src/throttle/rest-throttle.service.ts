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
import type { IncomingMessage, ServerResponse } from 'http';
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
   * Counts one request of `req`'s client (its address as Express's req.ip under TRUST_PROXY_HOPS). Allowed: the guard's X-RateLimit-* headers are set and
   * true returned (at once when the count is decided in this process, else once Redis answered);
   * over the limit: false, and the request should go through Nest, whose guard answers 429.
   */
  pass(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const { name, ttl, limit, blockDuration } = this.throttler;
    const key = throttleKey(name ?? 'default', normalizeIp(clientIp(req, this.config.trustProxyHops), this.ipv6Prefix));
    const now = this.storage instanceof BatchedThrottlerStorage ? this.storage.incrementNow(key, ttl, limit, blockDuration, name!) : null;
    if (now) return this.allowed(now, res);
    return this.storage.increment(key, ttl, limit, blockDuration, name!).then((r) => this.allowed(r, res));
  }

  private allowed(r: ThrottleRecord, res: ServerResponse): boolean {
    if (r.isBlocked) return false;
    res.setHeader('X-RateLimit-Limit', this.throttler.limit);
    res.setHeader('X-RateLimit-Remaining', Math.max(0, this.throttler.limit - r.totalHits));
    res.setHeader('X-RateLimit-Reset', r.timeToExpire);
    return true;
  }
}
