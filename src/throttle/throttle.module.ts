import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { ApiThrottlerGuard } from './api-throttler.guard';
import { BatchedThrottlerStorage } from './batched-throttler.storage';
import { RestThrottle } from './rest-throttle.service';

/**
 * Rate limit of the public REST routes (api role): THROTTLE_LIMIT_PER_MINUTE requests per client IP
 * per minute, counted in Redis in batches (BatchedThrottlerStorage on the shared client) so every
 * api replica enforces one budget; 429 with Retry-After past it. RestThrottle applies the same
 * limit to the routes answered before Nest's pipeline.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.throttleLimitPerMinute }],
        // REDIS_URL=memory:// (single-process demo): the throttler's own in-memory storage.
        storage: config.inMemoryRedis ? undefined : new BatchedThrottlerStorage(redis),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiThrottlerGuard }, RestThrottle],
  exports: [RestThrottle],
})
export class ThrottleModule {}
