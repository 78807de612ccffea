import { Injectable, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '../health/health.registry';
import { LiveApplierService } from './live-applier.service';

/** A leader that has not finished a read for this long is stuck (a read blocks for 100 ms). */
export const LIVE_STUCK_AFTER_MS = 30_000;
/** Applied trades older than this (exchange time) mean the applier has fallen behind the stream. */
export const LIVE_LAG_LIMIT_SECONDS = 120;

/**
 * `live_applier` in /health/detailed (worker role): leader or standby, age of the last batch and
 * of the last read, trade lag. Down when this process leads and is stuck or far behind; a standby
 * is up (it takes over within the lock's 15 s when the leader goes).
 */
@Injectable()
export class LiveHealthIndicator implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly live: LiveApplierService,
  ) {}

  onModuleInit(): void {
    const startedAt = Date.now();
    this.registry.register({
      name: 'live_applier',
      required: true,
      check: async () => {
        const now = Date.now();
        const age = (ms: number | null) => (ms === null ? null : Math.round((now - ms) / 100) / 10);
        const leader = this.live.isLeader;
        const sinceStep = now - (this.live.lastStepAt ?? startedAt);
        const lag = this.live.lastLagSeconds;
        const stuck = leader && sinceStep > LIVE_STUCK_AFTER_MS;
        const behind = leader && lag !== null && lag > LIVE_LAG_LIMIT_SECONDS;
        return {
          status: stuck || behind ? 'down' : 'up',
          role: leader ? 'leader' : 'standby',
          last_batch_age_seconds: age(this.live.lastBatchAt),
          last_read_age_seconds: age(this.live.lastStepAt),
          trade_lag_seconds: lag === null ? null : Math.round(lag * 10) / 10,
          baselined_traders: this.live.baselinedTraders,
          ...(stuck ? { reason: `leader made no progress for ${Math.round(sinceStep / 1000)} s` } : {}),
          ...(behind ? { reason: `applied trades are ${Math.round(lag!)} s old (limit ${LIVE_LAG_LIMIT_SECONDS} s)` } : {}),
        };
      },
    });
  }
}
