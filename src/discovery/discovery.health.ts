import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../health/health.registry';
import { DiscoveryService } from './discovery.service';
import { TradeIngestService } from './trade-ingest.service';

/** `hyperliquid_stream` in /health/detailed: connected, last message age, reconnects, buffer, backpressure. */
@Injectable()
export class DiscoveryHealthIndicator implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly discovery: DiscoveryService,
    private readonly ingest: TradeIngestService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'hyperliquid_stream',
      required: true,
      check: async () => {
        const s = this.discovery.pool.getStats();
        const age = s.lastMessageAt ? Date.now() - s.lastMessageAt : null;
        // A reader paused by backpressure hears nothing by design.
        const fresh = this.ingest.paused || (age !== null && age <= this.config.wsSilenceTimeoutSeconds * 1000);
        return {
          // A writer that stores nothing while trades wait is down even with a healthy socket.
          status: s.allConnected && fresh && !this.ingest.stalled ? 'up' : 'down',
          connected: s.allConnected,
          connections: s.connections,
          subscriptions: s.subscribed,
          markets: s.desired,
          last_message_at: s.lastMessageAt ? new Date(s.lastMessageAt).toISOString() : null,
          last_message_age_seconds: age === null ? null : Math.round(age / 100) / 10,
          reconnects: s.reconnects,
          malformed_frames: s.malformed + s.invalidTrades,
          buffer_depth: this.ingest.depth,
          buffer_dropped: this.ingest.dropped,
          buffer_bound: this.ingest.bufferBound,
          backpressure: {
            reader_paused: this.ingest.paused,
            pauses: this.ingest.pauses,
            paused_seconds_total: Math.round(this.ingest.pausedMs / 100) / 10,
          },
          batch_size: this.ingest.batchSize,
          writer_stalled: this.ingest.stalled,
          writer_waiting_seconds: Math.round(this.ingest.waitingMs / 100) / 10,
          last_flush_at: this.ingest.lastFlushAt ? new Date(this.ingest.lastFlushAt).toISOString() : null,
          last_meta_at: this.discovery.lastMetaAt ? new Date(this.discovery.lastMetaAt).toISOString() : null,
        };
      },
    });
  }
}
