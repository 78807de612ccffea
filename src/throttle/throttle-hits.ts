import { Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { isThrottleExempt, throttleKey } from './api-throttler.guard';

/**
 * Counts a request that never reached a route's guards against its client's limit: a body the
 * parser rejected (bad Content-Encoding, malformed JSON, too large) is answered by the exception
 * filter straight away, but a client sending nothing else still uses up its budget and is then
 * limited on every route.
 */
@Injectable()
export class ThrottleHits {
  private readonly logger = new Logger(ThrottleHits.name);

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @InjectThrottlerOptions() private readonly options: ThrottlerModuleOptions,
  ) {}

  hit(req: Request): void {
    if (isThrottleExempt(req.path)) return;
    const throttlers = Array.isArray(this.options) ? this.options : this.options.throttlers;
    for (const t of throttlers) {
      const name = t.name ?? 'default';
      const [ttl, limit] = [Number(t.ttl), Number(t.limit)];
      this.storage
        .increment(throttleKey(name, req.ip ?? ''), ttl, limit, Number(t.blockDuration ?? ttl), name)
        .catch((err: Error) => this.logger.warn({ msg: 'could not count a rejected request', error: err.message }));
    }
  }
}
