import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiThrottle } from '../redis/contracts/api-throttle';

/** The limiter's key of a client (its normalised IP) for one throttler: one count over every public route. */
export function throttleKey(name: string, tracker: string): string {
  return ApiThrottle.key(name, tracker);
}

/** Probes and scrapes are never limited: a throttled liveness probe would restart a healthy pod. */
const EXEMPT_PREFIXES = ['/health', '/metrics', '/docs'];

/** Whether requests to `path` are left out of the limit. */
export function isThrottleExempt(path: string): boolean {
  return EXEMPT_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}-`));
}

/**
 * Per-client-IP limit over all public routes together (Nest's default keys per route and handler).
 * The client IP is `req.ip`, which honours TRUST_PROXY_HOPS (X-Forwarded-For behind a proxy).
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return isThrottleExempt(context.switchToHttp().getRequest<Request>().path);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return throttleKey(name, tracker);
  }
}
