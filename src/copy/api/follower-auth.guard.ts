import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { secretsEqual } from '../../common/auth/constant-time';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { FollowersRepository } from '../data/followers.repository';
import { hashToken } from '../secrets';

/** Who may act on a follower: its own token, or the admin key. */
export type FollowerPrincipal = { kind: 'admin' } | { kind: 'follower'; followerId: string };

/** Resolves a presented secret (Bearer token or admin key); null = no secret presented. */
export async function principalOf(
  secret: string | null,
  config: AppConfig,
  followers: FollowersRepository,
): Promise<FollowerPrincipal | 'invalid' | null> {
  if (!secret) return null;
  if (config.adminApiKey && secretsEqual(secret, config.adminApiKey)) return { kind: 'admin' };
  const id = await followers.idByTokenHash(hashToken(secret));
  return id ? { kind: 'follower', followerId: id } : 'invalid';
}

/**
 * A follower's routes: `Authorization: Bearer <token>` of that follower, or the admin key (as the
 * Bearer token or in `x-api-key`). 401 without one, 403 with another follower's or a wrong one.
 */
@Injectable()
export class FollowerAuthGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly followers: FollowersRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer\s+\S+$/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : null;
    const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : null;
    const principal = await principalOf(bearer ?? apiKey, this.config, this.followers);
    if (principal === null) throw new DomainError('UNAUTHORIZED', 'Authorization: Bearer <follower token> (or the admin key) required');
    if (principal === 'invalid') throw new DomainError('FORBIDDEN', 'invalid token');
    if (principal.kind === 'follower' && principal.followerId !== req.params.id) {
      throw new DomainError('FORBIDDEN', "this token is not this follower's");
    }
    return true;
  }
}
