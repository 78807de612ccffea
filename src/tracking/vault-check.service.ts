import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { TrackingMetrics } from './tracking.metrics';
import { TrackingQueueRepository } from './tracking-queue.repository';

const PER_PASS = 10;
const LOCK_SECONDS = 600;

/**
 * Looks up `userRole` once per new active address (weight 60, low priority, so it never starves
 * tracking) and marks vaults, which tracking and the leaderboard then leave out by default.
 */
@Injectable()
export class VaultCheckService {
  private readonly logger = new Logger(VaultCheckService.name);
  private busy = false;

  constructor(
    private readonly info: HyperliquidInfoClient,
    private readonly queue: TrackingQueueRepository,
    private readonly metrics: TrackingMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async pass(signal?: AbortSignal): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let checked = 0;
    try {
      for (const trader of await this.queue.rolesToCheck(PER_PASS * 3)) {
        if (checked >= PER_PASS || signal?.aborted) break;
        // One worker per address: the lookup costs 60 weight.
        const lock = await this.redis.set(`ts:role-check:${trader.address}`, '1', 'EX', LOCK_SECONDS, 'NX');
        if (lock !== 'OK') continue;
        const { role } = await this.info.userRole(trader.address, signal);
        await this.queue.recordRole(trader.id, role);
        if (role === 'vault') {
          this.metrics.vaultsFound.inc();
          this.logger.log({ msg: 'vault identified', address: trader.address });
        }
        checked++;
      }
    } catch (err) {
      if (!signal?.aborted) this.logger.warn({ msg: 'role check failed', error: (err as Error).message });
    } finally {
      this.busy = false;
    }
    return checked;
  }
}
