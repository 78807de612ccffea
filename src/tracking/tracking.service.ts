import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { parseClearinghouseState } from '../hyperliquid/account-parsers';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { encodeSnapshot } from '../live/snapshot-message';
import { SnapshotsStream, encodeSnapshotEntry } from '../redis/contracts/snapshots-stream';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { TrackingMetrics } from './tracking.metrics';
import { ClaimedTrader, TrackingQueueRepository } from '../traders/data/tracking-queue.repository';

/**
 * One trader's refresh: a budgeted clearinghouseState, handed to the live applier (which
 * baselines or reconciles the trader's live positions and commits the events), then the queue
 * bookkeeping. The snapshot stream is durable, so a snapshot outlives a restart of either side.
 */
@Injectable()
export class TrackingService {
  constructor(
    private readonly info: HyperliquidInfoClient,
    private readonly queue: TrackingQueueRepository,
    private readonly metrics: TrackingMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async refresh(trader: ClaimedTrader, path: 'queue' | 'signal', signal?: AbortSignal): Promise<void> {
    // Flags raised by trades after this instant survive (the snapshot may predate them).
    const fetchStartedAt = new Date();
    const { raw, state } = await this.info.request(
      { type: 'clearinghouseState', user: trader.address },
      (body) => ({ raw: body, state: parseClearinghouseState(body) }),
      { priority: 'high', signal },
    );
    await this.redis.xadd(
      SnapshotsStream.key,
      'MAXLEN',
      '~',
      SnapshotsStream.maxlen,
      '*',
      ...encodeSnapshotEntry(encodeSnapshot(trader, state, raw, Date.now())),
    );
    await this.queue.markTracked(trader.id, fetchStartedAt, state.accountValue);
    this.metrics.refreshed.inc({ path });
    if (trader.tradedFlagAt) this.metrics.tradeToEvent.observe((Date.now() - trader.tradedFlagAt.getTime()) / 1000);
  }
}
