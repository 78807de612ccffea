import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { firstUnknownQueryKey } from './query-keys';

type Allowed = ReadonlySet<string> | 'any';

/**
 * After the guards (the rate limiter has counted the request, admin routes have authenticated
 * it), before the pipes: a query parameter the route does not declare is a 400 naming it, on
 * every route, including routes without a query DTO and names the DTO transformation never sees
 * (`toString`, `__proto__`, `constructor`). A handler's names come from its `@Query()` DTO
 * (class-validator's metadata) or its `@Query('name')` parameters, computed once.
 */
@Injectable()
export class RequestValidationInterceptor implements NestInterceptor {
  private readonly allowedByHandler = new WeakMap<object, Allowed>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') this.check(context);
    return next.handle();
  }

  private check(context: ExecutionContext): void {
    const req = context.switchToHttp().getRequest<Request>();
    const url = req.originalUrl ?? req.url;
    const q = url.indexOf('?');
    if (q < 0 || q === url.length - 1) return;
    const allowed = this.allowed(context);
    if (allowed === 'any') return;
    const unknown = firstUnknownQueryKey(url.slice(q + 1), allowed);
    if (unknown !== null) throw new BadRequestException(`unknown query parameter: ${unknown.slice(0, 64)}`);
  }

  private allowed(context: ExecutionContext): Allowed {
    const handler = context.getHandler();
    let allowed = this.allowedByHandler.get(handler);
    if (!allowed) {
      allowed = declaredQueryNames(context.getClass(), handler.name);
      this.allowedByHandler.set(handler, allowed);
    }
    return allowed;
  }
}

function declaredQueryNames(controller: new (...args: never[]) => unknown, method: string): Allowed {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    if (typeof arg.data === 'string') {
      names.add(arg.data);
      continue;
    }
    const dto = types[arg.index];
    if (typeof dto !== 'function' || dto === Object) return 'any'; // an untyped @Query(): nothing to judge by
    for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) names.add(m.propertyName);
  }
  return names;
}
