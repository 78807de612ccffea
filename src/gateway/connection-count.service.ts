import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'crypto';
import { hostname } from 'os';
import Redis from 'ioredis';
import { WsConnections, decodeConnectionReport, encodeConnectionReport } from '../redis/contracts/ws-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { GatewayMetrics, Transport } from './gateway.metrics';

const HEARTBEAT_MS = 5_000;
const CHANGE_REPORT_DELAY_MS = 1_000;
/** An instance that has not reported for this long is gone (crashed, or its Redis link is down). */
const STALE_MS = 3 * HEARTBEAT_MS;

export interface ConnectionCounts {
  socket_io: number;
  websocket: number;
  total: number;
}

/**
 * Live-client counts: this process's (exact), and every api replica's (each reports its count to a
 * Redis hash every 5 s; /api/v1/stats sums the fresh entries, so any replica answers for all).
 */
@Injectable()
export class ConnectionCountService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionCountService.name);
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly counts: Record<Transport, number> = { socket_io: 0, websocket: 0 };
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.report(), HEARTBEAT_MS);
    this.timer.unref();
    void this.report();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = null;
    this.pending = null;
    await this.redis.hdel(WsConnections.key, this.instanceId).catch(() => undefined);
  }

  changed(transport: Transport, delta: 1 | -1): void {
    this.counts[transport] += delta;
    this.metrics.connections.labels(transport).set(this.counts[transport]);
    // Report changes within a second (at most one write per second), not only on the heartbeat.
    if (!this.pending && this.timer) {
      this.pending = setTimeout(() => {
        this.pending = null;
        void this.report();
      }, CHANGE_REPORT_DELAY_MS);
      this.pending.unref();
    }
  }

  local(): ConnectionCounts {
    return { ...this.counts, total: this.counts.socket_io + this.counts.websocket };
  }

  /** Clients connected to every api replica (this one counted live, the others as last reported). */
  async cluster(): Promise<{ total: number; instances: number }> {
    const entries = await this.redis.hgetall(WsConnections.key);
    const now = Date.now();
    let total = this.local().total;
    let instances = 1;
    const stale: string[] = [];
    for (const [id, raw] of Object.entries(entries)) {
      if (id === this.instanceId) continue;
      const report = decodeConnectionReport(raw);
      if (!report || now - report.at > STALE_MS) stale.push(id);
      else {
        total += report.n;
        instances++;
      }
    }
    if (stale.length > 0) await this.redis.hdel(WsConnections.key, ...stale).catch(() => undefined);
    return { total, instances };
  }

  private async report(): Promise<void> {
    try {
      await this.redis
        .multi()
        .hset(WsConnections.key, this.instanceId, encodeConnectionReport({ n: this.local().total, at: Date.now() }))
        .pexpire(WsConnections.key, STALE_MS * 4)
        .exec();
    } catch (err) {
      this.logger.debug({ msg: 'connection count report failed', error: (err as Error).message });
    }
  }
}
