import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EventPublisher } from '../events/event-publisher.service';
import { parseClearinghouseState } from '../hyperliquid/account-parsers';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { SnapshotRepository } from './snapshot.repository';
import { TrackingMetrics } from './tracking.metrics';
import { ClaimedTrader } from './tracking-queue.repository';

/** One trader's refresh: a budgeted clearinghouseState, then commit and publish its events. */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);

  constructor(
    private readonly info: HyperliquidInfoClient,
    private readonly snapshots: SnapshotRepository,
    private readonly publisher: EventPublisher,
    private readonly metrics: TrackingMetrics,
    private readonly config: AppConfig,
  ) {}

  async refresh(trader: ClaimedTrader, path: 'queue' | 'signal', signal?: AbortSignal): Promise<void> {
    // Flags raised by trades after this instant survive the commit (the snapshot may predate them).
    const fetchStartedAt = new Date();
    const { raw, state } = await this.info.request(
      { type: 'clearinghouseState', user: trader.address },
      (body) => ({ raw: body, state: parseClearinghouseState(body) }),
      { priority: 'high', signal },
    );
    const result = await this.snapshots.commit(trader, state, raw, fetchStartedAt);
    this.metrics.refreshed.inc({ path });
    if (trader.tradedFlagAt) this.metrics.tradeToEvent.observe((Date.now() - trader.tradedFlagAt.getTime()) / 1000);
    for (const e of result.events) this.metrics.events.inc({ event_type: e.event_type });
    if (result.events.length > 0 && this.config.faultInjection === 'exit-after-commit') {
      this.logger.warn({ msg: 'fault injection: SIGKILL between commit and publish', events: result.events.length });
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    await this.publisher.publish(result.events);
  }
}
