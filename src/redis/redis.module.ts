import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { createMemoryRedis, isMemoryRedisUrl } from './memory-redis';
import { disconnectUnlessEnded, dropConnection } from './redis-availability';
import { RedisHealthIndicator } from './redis.health';
import { REDIS_CLIENT, REDIS_SUBSCRIBER } from './redis.tokens';

function createClient(url: string, name: string): Redis {
  const logger = new Logger(`Redis:${name}`);
  // The one-command demo without a Redis server (config allows it only for ROLE=all).
  if (isMemoryRedisUrl(url)) return createMemoryRedis(`traderscout:${name}`);
  const client = new Redis(url, {
    connectionName: `traderscout:${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(200 * 2 ** attempt, 5000),
  });
  let lastError = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - lastError > 5000) logger.warn({ msg: 'redis error', name, error: err.message });
    lastError = Date.now();
  });
  return client;
}

@Global()
@Module({
  imports: [HealthModule],
  providers: [
    { provide: REDIS_CLIENT, inject: [AppConfig], useFactory: (c: AppConfig) => createClient(c.redisUrl, 'main') },
    {
      provide: REDIS_SUBSCRIBER,
      inject: [REDIS_CLIENT],
      useFactory: (client: Redis) => {
        const sub = client.duplicate({ connectionName: 'traderscout:subscriber' });
        sub.on('error', () => undefined);
        return sub;
      },
    },
    RedisHealthIndicator,
  ],
  exports: [REDIS_CLIENT, REDIS_SUBSCRIBER],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly client: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  /** QUIT while connected; a connection that is down is dropped (a QUIT would wait for Redis in the offline queue). */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([close(this.subscriber), close(this.client)]);
  }
}

/**
 * Called as shutdown begins: connections to a Redis that is down are dropped, so the shutdown
 * hooks' own Redis commands (lock releases, deregistrations) fail at once instead of waiting in
 * ioredis's offline queue past the shutdown deadline. A ready connection is left to finish.
 */
export function dropUnreachableRedis(app: { get<T>(token: symbol): T }): void {
  for (const token of [REDIS_CLIENT, REDIS_SUBSCRIBER]) {
    const client = app.get<Redis>(token);
    if (client.status !== 'ready' && client.status !== 'end') dropConnection(client);
  }
}

async function close(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    dropConnection(client);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.quit(), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]).finally(() => clearTimeout(timer));
  disconnectUnlessEnded(client);
}
