import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

export type Transport = 'socket_io' | 'websocket';

/** The live gateways' Prometheus series (on this app's registry). */
@Injectable()
export class GatewayMetrics {
  readonly connections: Gauge<'transport'>;
  readonly received: Counter<'channel'>;
  readonly delivered: Counter<'transport' | 'event'>;
  readonly duplicates: Counter;
  readonly invalid: Counter<'source'>;
  readonly slowClients: Counter<'transport'>;
  readonly rejected: Counter<'transport' | 'reason'>;
  readonly backfilled: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.connections = new Gauge({
      name: 'websocket_active_connections',
      help: 'Live-update clients connected to this process',
      labelNames: ['transport'],
      registers,
    });
    this.connections.labels('socket_io').set(0);
    this.connections.labels('websocket').set(0);
    this.received = new Counter({
      name: 'gateway_events_received_total',
      help: 'Messages received from the Redis channels (trade_events, leaderboard_updated)',
      labelNames: ['channel'],
      registers,
    });
    this.delivered = new Counter({
      name: 'gateway_events_delivered_total',
      help: 'Event messages sent to clients (one per client per event)',
      labelNames: ['transport', 'event'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'gateway_duplicate_events_dropped_total',
      help: 'Events dropped because this process had already delivered their id',
      registers,
    });
    this.invalid = new Counter({
      name: 'gateway_invalid_messages_total',
      help: 'Malformed messages from Redis or from clients',
      labelNames: ['source'],
      registers,
    });
    this.slowClients = new Counter({
      name: 'gateway_slow_clients_dropped_total',
      help: 'Clients disconnected because they did not read their messages',
      labelNames: ['transport'],
      registers,
    });
    this.rejected = new Counter({
      name: 'gateway_clients_rejected_total',
      help: 'Clients refused (reason ip_cap: too many connections from their IP) or cut (rate_limit: too many messages)',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.backfilled = new Counter({
      name: 'gateway_backfilled_events_total',
      help: 'Events read from the database after a Redis reconnect (missed on the channel)',
      registers,
    });
  }
}
