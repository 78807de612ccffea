import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../domain-error';
import { secretsEqual } from './constant-time';

/**
 * Admin routes: `x-api-key` must equal ADMIN_API_KEY (compared in constant time).
 * 503 when the server has no key configured, 401 without the header, 403 with a wrong one.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.adminApiKey;
    if (!expected) throw new DomainError('UNAVAILABLE', 'admin routes are disabled: ADMIN_API_KEY is not set');
    const presented = context.switchToHttp().getRequest<Request>().headers['x-api-key'];
    if (typeof presented !== 'string' || presented === '') {
      throw new DomainError('UNAUTHORIZED', 'x-api-key header required');
    }
    if (!secretsEqual(presented, expected)) throw new DomainError('FORBIDDEN', 'invalid x-api-key');
    return true;
  }
}
