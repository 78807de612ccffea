import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/config.loader';
import { LeaderboardModule } from '../../src/leaderboard/leaderboard.module';
import { LeaderboardRecalculate } from '../../src/redis/contracts/leaderboard-recalculate';
import { CoreModule } from '../../src/roles/core.module';
import { waitFor } from '../support/process';

/** The worker role's leaderboard alone (no tracking, no live positions): its inputs stay the test's own. */
@Module({})
class LeaderboardWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: LeaderboardWorkerModule, imports: [CoreModule.forRoot(config), ScheduleModule.forRoot(), LeaderboardModule] };
  }
}

export async function startLeaderboardWorker(env: Record<string, string>): Promise<INestApplicationContext> {
  const config = loadConfig({ DB_MIGRATE: 'false', LOG_LEVEL: 'warn', ROLE: 'worker', ...env }, 'test');
  const app = await NestFactory.createApplicationContext(LeaderboardWorkerModule.forRoot(config), { logger: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

export interface GenerationInfo {
  id: number;
  started_at: Date;
  computed_at: Date;
  trader_count: number;
}

export async function latestGeneration(db: Client): Promise<GenerationInfo | null> {
  const { rows } = await db.query(
    `SELECT id::int, started_at, computed_at, trader_count FROM leaderboard_generations
      WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/** Asks the workers for a run the way the admin route does, and waits for the generation it makes. */
export async function recompute(redis: Redis, db: Client, timeoutMs = 30_000): Promise<GenerationInfo> {
  const before = (await latestGeneration(db))?.id ?? 0;
  await redis.set(LeaderboardRecalculate.key, String(Date.now()));
  return waitFor(async () => {
    const g = await latestGeneration(db);
    return g && g.id > before ? g : null;
  }, timeoutMs, 100);
}

/** A random lower-case address. */
export function address(): string {
  let hex = '';
  for (let i = 0; i < 40; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `0x${hex}`;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
