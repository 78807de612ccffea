import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { HealthRegistry } from '../health/health.registry';
import { whileRedisReady } from './redis-availability';
import { REDIS_CLIENT } from './redis.tokens';

@Injectable()
export class RedisHealthIndicator implements OnModuleInit {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly registry: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'redis',
      required: true,
      // Not ready = down at once (a PING would wait in the offline queue until the check times out).
      check: async () => {
        await whileRedisReady(this.redis, () => this.redis.ping());
        return {};
      },
    });
  }
}
