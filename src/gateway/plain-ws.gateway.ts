import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../config/app-config';
import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';
import { CLOSE_GRACE_MS, MAX_BUFFERED_BYTES, RATE_LIMITED, TokenBucket } from './client-limits';
import { ClientLimitsService } from './client-limits.service';
import { ConnectionCountService } from './connection-count.service';
import { GatewayMetrics } from './gateway.metrics';
import { originAllowed } from './origin-policy';
import { SubscriptionIndex } from './subscription';

export const PLAIN_WS_PATH = '/ws/v1/updates';
const MAX_MESSAGE_BYTES = 16 * 1024;
const HEARTBEAT_MS = 30_000;

type EventType = 'connection' | 'trade_event' | 'leaderboard_updated' | 'subscribed' | 'error' | 'pong';

/** One serialization per message, shared by every recipient (ws sends a Buffer without copying it). */
function frame(type: EventType, data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ type, data, timestamp: new Date().toISOString() }));
}

interface ClientState {
  ip: string;
  bucket: TokenBucket;
  alive: boolean;
  cut: boolean;
}

/**
 * The plain WebSocket endpoint `/ws/v1/updates` for clients that do not speak Socket.IO: the same
 * events as JSON `{type, data, timestamp}` and the same subscription filter (`{"type":"subscribe",
 * "data":{"traders":[…],"coins":[…]}}`). A raw `ws` server on the HTTP server's `upgrade` event;
 * it answers only its own path, so Socket.IO keeps `/socket.io/`. The same bounds as Socket.IO:
 * the per-IP connection cap (HTTP 429 at the upgrade), the message budget (an `error`, then close
 * 1008) and MAX_BUFFERED_BYTES unsent (close 1013), checked at every send.
 */
@Injectable()
export class PlainWsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PlainWsGateway.name);
  private readonly index = new SubscriptionIndex<WebSocket>();
  private readonly states = new Map<WebSocket, ClientState>();
  private wss: WebSocketServer | null = null;
  private httpServer: Server | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly connections: ConnectionCountService,
    private readonly limits: ClientLimitsService,
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
    let data: Buffer | null = null;
    let sent = 0;
    this.index.forEachRecipient(event.trader_address, event.details.coin, (ws) => {
      if (this.send(ws, (data ??= frame('trade_event', event)))) sent++;
    });
    if (sent > 0) this.metrics.delivered.labels('websocket', 'trade_event').inc(sent);
    return sent;
  }

  broadcastLeaderboard(payload: LeaderboardUpdatedPayload): number {
    if (this.index.size === 0) return 0;
    const data = frame('leaderboard_updated', payload);
    let sent = 0;
    for (const ws of this.index.clients()) if (this.send(ws, data)) sent++;
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
    const ip = this.limits.ipOf(req);
    if (!this.limits.admits('websocket', ip)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ip));
  };

  private onConnection(ws: WebSocket, ip: string): void {
    if (!this.limits.opened('websocket', ip)) {
      ws.close(1013, 'too many connections from this address'); // a burst that all passed the pre-check
      return;
    }
    const state: ClientState = { ip, bucket: this.limits.bucket(), alive: true, cut: false };
    this.states.set(ws, state);
    this.index.add(ws);
    this.connections.changed('websocket', 1);
    ws.on('pong', () => (state.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(ws, state, data, isBinary));
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', () => {
      this.index.remove(ws);
      this.states.delete(ws);
      this.limits.closed(ip);
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

  private onMessage(ws: WebSocket, state: ClientState, raw: RawData, isBinary: boolean): void {
    if (state.cut) return;
    if (!state.bucket.take()) {
      this.cut(ws, state);
      return;
    }
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
    // (A follower room request, `{"follower","token"}`, is another payload kind: told apart here.)
    const { data, ...rest } = msg as Record<string, unknown>;
    const flat = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'type'));
    const body = data !== undefined ? data : Object.keys(flat).length > 0 ? flat : undefined;
    const result = this.index.apply(ws, type, body);
    if (!result.ok) {
      this.reject(ws, type, result.error);
      return;
    }
    this.send(ws, frame('subscribed', result.reply)); // what changed, never the whole filter
  }

  /** Over its message budget: told why, then closed (1008), and cut if it does not close in time. */
  private cut(ws: WebSocket, state: ClientState): void {
    state.cut = true;
    this.limits.rateLimited('websocket');
    this.send(ws, frame('error', { event: null, message: RATE_LIMITED }));
    ws.close(1008, 'rate limit exceeded');
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private reject(ws: WebSocket, event: string | undefined, message: string): void {
    this.metrics.invalid.labels('client').inc();
    this.send(ws, frame('error', { event: event ?? null, message }));
  }

  private send(ws: WebSocket, data: Buffer): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.metrics.slowClients.labels('websocket').inc();
      this.logger.warn({ msg: 'dropping a slow plain WebSocket client', buffered: ws.bufferedAmount });
      ws.close(1013, 'too slow: messages not read');
      ws.terminate();
      return false;
    }
    ws.send(data, { binary: false });
    return true;
  }

  private checkAlive(): void {
    for (const [ws, state] of this.states) {
      if (!state.alive) {
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }
}
