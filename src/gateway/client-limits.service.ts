import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'http';
import { AppConfig } from '../config/app-config';
import { clientIp, ConnectionCap, TokenBucket } from './client-limits';
import { GatewayMetrics, Transport } from './gateway.metrics';

/**
 * The per-IP connection cap (LIVE_MAX_CONNECTIONS_PER_IP, both transports of this process together)
 * and the per-connection message budget, shared by the Socket.IO and plain WebSocket gateways.
 */
@Injectable()
export class ClientLimitsService {
  private readonly logger = new Logger(ClientLimitsService.name);
  private readonly cap: ConnectionCap;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    this.cap = new ConnectionCap(config.liveMaxConnectionsPerIp);
  }

  ipOf(req: IncomingMessage): string {
    return clientIp(req.socket?.remoteAddress, req.headers['x-forwarded-for'], this.config.trustProxyHops);
  }

  /** A handshake pre-check: false (and counted) when this IP already holds its cap of connections. */
  admits(transport: Transport, ip: string): boolean {
    if (this.cap.admits(ip)) return true;
    this.refused(transport, ip);
    return false;
  }

  /** Counts an opened connection; false when it is over the cap (then close it, without `closed`). */
  opened(transport: Transport, ip: string): boolean {
    if (this.cap.open(ip)) return true;
    this.refused(transport, ip);
    return false;
  }

  closed(ip: string): void {
    this.cap.close(ip);
  }

  bucket(): TokenBucket {
    return new TokenBucket();
  }

  rateLimited(transport: Transport): void {
    this.metrics.rejected.labels(transport, 'rate_limit').inc();
    this.logger.warn({ msg: 'cutting a live client over its message rate', transport });
  }

  private refused(transport: Transport, ip: string): void {
    this.metrics.rejected.labels(transport, 'ip_cap').inc();
    this.logger.debug({ msg: 'refusing a live client over its IP connection cap', transport, ip, cap: this.cap.perIp });
  }
}
