import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { HealthRegistry } from '../health/health.registry';
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
      check: async () => {
        await this.redis.ping();
        return {};
      },
    });
  }
}
