import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { ApiThrottlerGuard } from './api-throttler.guard';
import { FailOpenThrottlerStorage } from './fail-open-throttler.storage';
import { ThrottleHits } from './throttle-hits';

/**
 * Rate limit of the public REST routes (api role): THROTTLE_LIMIT_PER_MINUTE requests per client IP
 * per minute, counted in Redis (@nest-lab/throttler-storage-redis on the shared client) so every
 * api replica enforces one budget; 429 with Retry-After past it.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.throttleLimitPerMinute }],
        // REDIS_URL=memory:// (single-process demo): the throttler's own in-memory storage (the Redis
        // storage only accepts a real ioredis client and would otherwise connect to localhost:6379).
        storage: config.inMemoryRedis
          ? undefined
          : new FailOpenThrottlerStorage(new ThrottlerStorageRedisService(redis), () => redis.status === 'ready'),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiThrottlerGuard }, ThrottleHits],
  exports: [ThrottleHits],
})
export class ThrottleModule {}
