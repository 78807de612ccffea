import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { LeaderboardRecalculate } from '../redis/contracts/leaderboard-recalculate';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { LeaderboardComputeRepository } from './leaderboard-compute.repository';
import { LeaderboardService, RunReason } from './leaderboard.service';

/**
 * How often the worker looks for an admin request (the Redis key the admin route sets) and checks
 * whether the board is due (one indexed query).
 */
const POLL_MS = 2000;

/**
 * The worker role's leaderboard schedule. Every worker polls; the computation itself takes a
 * PostgreSQL advisory lock, so one runs at a time and the others skip:
 * - at boot and then every POLL_MS, a run when the newest generation is older than
 *   LEADERBOARD_INTERVAL_SECONDS (by its computation time), missing, or lost in a crash;
 * - a run when the admin route has set `ts:leaderboard:recalculate-requested` (taken with GETDEL
 *   by exactly one worker; put back when another worker's run holds the lock, so it runs after).
 */
@Injectable()
export class LeaderboardScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LeaderboardScheduler.name);
  private ticking = false;
  /** When the last tick (admin poll and due check, and the run they started) completed. */
  lastTickAt: number | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly leaderboard: LeaderboardService,
    private readonly repo: LeaderboardComputeRepository,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.addInterval('leaderboard-poll', setInterval(() => void this.tick(), POLL_MS));
    void this.tick();
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const requested = await this.redis.getdel(LeaderboardRecalculate.key).catch(() => null);
      if (requested !== null) {
        const done = await this.run('admin');
        if (done === false) await this.redis.set(LeaderboardRecalculate.key, requested, 'NX').catch(() => undefined);
        return;
      }
      const latest = await this.repo.latestStatus();
      if (!latest) await this.run('boot');
      else if (latest.lost) await this.run('lost');
      else if (latest.ageSeconds >= this.config.leaderboardIntervalSeconds) await this.run('schedule');
    } catch (err) {
      this.logger.warn({ msg: 'leaderboard tick failed', error: (err as Error).message });
    } finally {
      this.ticking = false;
      this.lastTickAt = Date.now();
    }
  }

  /** True when this worker computed a generation, false when another worker held the lock. */
  private async run(reason: RunReason): Promise<boolean> {
    try {
      return (await this.leaderboard.recompute(reason)) !== null;
    } catch (err) {
      this.logger.error({ msg: 'leaderboard computation failed', reason, error: (err as Error).message, stack: (err as Error).stack });
      return true;
    }
  }
}
