import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/config.loader';
import { waitFor } from './process';
import { createTestRedis } from './redis';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

/** Boots the real app in-process on port 0, exactly as main.ts does, with env overrides. */
export async function startTestApp(env: Record<string, string>): Promise<TestApp> {
  // No test reads the real exchange's leaderboard file (EXCHANGE_LEADERBOARD_URL off unless a test sets it).
  const defaults = { DB_MIGRATE: 'false', LOG_LEVEL: process.env.TEST_APP_LOG_LEVEL ?? 'warn', PORT: '0', EXCHANGE_LEADERBOARD_URL: '' };
  const config = loadConfig({ ...defaults, ...env }, 'test');
  // TEST_APP_LOGS=1 shows the app's JSON logs (debugging a test).
  const app = await createApp(config, { logs: process.env.TEST_APP_LOGS === '1' });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, config, close: () => app.close() };
}

/** A discovery role against a simulator, on `databaseUrl` and a fresh Redis database, subscribed to `coins` markets. */
export async function startDiscovery(
  sim: { httpUrl: string; wsUrl: string },
  databaseUrl: string,
  coins: number,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const redis = await createTestRedis();
  const app = await startTestApp({
    ROLE: 'discovery',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    HYPERLIQUID_API_URL: sim.httpUrl,
    WEBSOCKET_URL: sim.wsUrl,
    ...env,
  });
  await waitFor(async () => (await request(app.url).get('/health/detailed')).body.checks?.hyperliquid_stream?.subscriptions >= coins, 60_000);
  return app;
}
