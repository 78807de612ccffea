import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../config/app-config';
import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';
import { ConnectionCountService } from './connection-count.service';
import { GatewayMetrics } from './gateway.metrics';
import { originAllowed } from './origin-policy';
import { describeFilter, parseSubscription, SubscriptionIndex } from './subscription';

export const PLAIN_WS_PATH = '/ws/v1/updates';
const MAX_MESSAGE_BYTES = 16 * 1024;
/** A client whose unsent backlog passes this is not reading: it is disconnected (1013). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

type EventType = 'connection' | 'trade_event' | 'leaderboard_updated' | 'subscribed' | 'error' | 'pong';

function frame(type: EventType, data: unknown): string {
  return JSON.stringify({ type, data, timestamp: new Date().toISOString() });
}

/**
 * The plain WebSocket endpoint `/ws/v1/updates` for clients that do not speak Socket.IO: the same
 * events as JSON `{type, data, timestamp}` and the same subscription filter (`{"type":"subscribe",
 * "data":{"traders":[…],"coins":[…]}}`). A raw `ws` server on the HTTP server's `upgrade` event;
 * it answers only its own path, so Socket.IO keeps `/socket.io/`.
 */
@Injectable()
export class PlainWsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PlainWsGateway.name);
  private readonly index = new SubscriptionIndex<WebSocket>();
  private readonly alive = new WeakSet<WebSocket>();
  private wss: WebSocketServer | null = null;
  private httpServer: Server | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly connections: ConnectionCountService,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    this.httpServer.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.httpServer?.off('upgrade', this.onUpgrade);
    for (const ws of this.index.clients()) ws.close(1001, 'server shutting down');
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
  }

  get clientCount(): number {
    return this.index.size;
  }

  /** Sends to every matching client once; returns how many. */
  broadcastTradeEvent(event: TradeEventPayload): number {
    const recipients = this.index.recipients(event.trader_address, event.details.coin);
    if (recipients.size === 0) return 0;
    const text = frame('trade_event', event);
    let sent = 0;
    for (const ws of recipients) if (this.send(ws, text)) sent++;
    this.metrics.delivered.labels('websocket', 'trade_event').inc(sent);
    return sent;
  }

  broadcastLeaderboard(payload: LeaderboardUpdatedPayload): number {
    const text = frame('leaderboard_updated', payload);
    let sent = 0;
    for (const ws of this.index.clients()) if (this.send(ws, text)) sent++;
    this.metrics.delivered.labels('websocket', 'leaderboard_updated').inc(sent);
    return sent;
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (path !== PLAIN_WS_PATH || !this.wss) return; // Socket.IO (engine.io) owns every other path
    if (!originAllowed(req.headers.origin, this.config.corsOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  };

  private onConnection(ws: WebSocket): void {
    this.index.add(ws);
    this.alive.add(ws);
    this.connections.changed('websocket', 1);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', () => {
      this.index.remove(ws);
      this.connections.changed('websocket', -1);
    });
    this.send(
      ws,
      frame('connection', {
        message: 'Connected to traderscout live updates: trade_event and leaderboard_updated',
        timestamp: new Date().toISOString(),
      }),
    );
  }

  private onMessage(ws: WebSocket, raw: RawData, isBinary: boolean): void {
    let msg: unknown;
    try {
      msg = isBinary ? undefined : JSON.parse(raw.toString());
    } catch {
      msg = undefined;
    }
    const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
    if (type === 'ping') {
      this.send(ws, frame('pong', {}));
      return;
    }
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      this.reject(ws, undefined, 'expected a JSON message {"type":"subscribe"|"unsubscribe"|"ping","data":{…}}');
      return;
    }
    // `{"type":"subscribe","data":{"traders":[…]}}`, or flat: `{"type":"subscribe","traders":[…]}`.
    const { data, ...rest } = msg as Record<string, unknown>;
    const flat = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'type'));
    const body = data !== undefined ? data : Object.keys(flat).length > 0 ? flat : undefined;
    const parsed = parseSubscription(body, type === 'subscribe');
    const result = parsed.ok ? this.index.apply(ws, type, parsed.value) : parsed;
    if (!result.ok) {
      this.reject(ws, type, result.error);
      return;
    }
    this.send(ws, frame('subscribed', describeFilter(result.filter)));
  }

  private reject(ws: WebSocket, event: string | undefined, message: string): void {
    this.metrics.invalid.labels('client').inc();
    this.send(ws, frame('error', { event: event ?? null, message }));
  }

  private send(ws: WebSocket, text: string): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.metrics.slowClients.labels('websocket').inc();
      this.logger.warn({ msg: 'dropping a slow plain WebSocket client', buffered: ws.bufferedAmount });
      ws.close(1013, 'too slow: messages not read');
      ws.terminate();
      return false;
    }
    ws.send(text);
    return true;
  }

  private checkAlive(): void {
    for (const ws of this.index.clients()) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}
