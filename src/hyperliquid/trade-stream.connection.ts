import { EventEmitter } from 'events';
import WebSocket from 'ws';
import { sleep } from '../common/timers';
import { fullJitterDelay } from './backoff';
import type { TradeRejection, WsTrade } from './hyperliquid.types';
import { DEFAULT_TRADE_RULES, TradeRules } from './trade-validation';
import { parseWsFrame } from './ws-frame-parser';
import { PING_MESSAGE, subscribeMessage, tradesSubscription, unsubscribeMessage } from './ws-messages';

export interface TradeStreamOptions {
  url: string;
  /** Client pings this often (the exchange closes connections it sent nothing to for 60 s). */
  pingIntervalMs: number;
  /** A socket that delivered nothing for this long is dead: terminate and reconnect. */
  silenceTimeoutMs: number;
  /** How long to wait for a subscribe/unsubscribe ack before retrying over a new socket. */
  ackTimeoutMs: number;
  /** Minimum gap between two subscription messages (the exchange silently drops bursts). */
  subscribeIntervalMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** What a storable trade is (read at every frame, so updating `universe` takes effect at once). */
  tradeRules?: TradeRules;
  name?: string;
}

export interface TradeStreamStats {
  connected: boolean;
  lastMessageAt: number | null;
  reconnects: number;
  subscribed: number;
  desired: number;
  malformed: number;
  invalidTrades: number;
  serverErrors: number;
}

export interface TradeStreamEvents {
  trades: (trades: WsTrade[]) => void;
  malformed: (reason: string) => void;
  /** Trades refused at the boundary (the rest of their frame went out as `trades`). */
  rejected: (rejections: TradeRejection[]) => void;
  serverError: (message: string) => void;
  connected: () => void;
  disconnected: (reason: string) => void;
}

interface PendingAck {
  key: string;
  resolve: (ok: boolean) => void;
}

/**
 * One WebSocket to the exchange carrying `trades` subscriptions for a set of coins. Owns its
 * lifecycle: greeting, paced subscribe-and-wait-for-ack, pings, silence detection, reconnect with
 * full-jitter back-off, and resubscribing everything after a reconnect. Never throws to callers.
 */
export class TradeStreamConnection extends EventEmitter {
  private socket: WebSocket | null = null;
  /** The socket stop() is closing: its last frames are still handled. */
  private closing: WebSocket | null = null;
  private readonly desired = new Set<string>();
  private readonly subscribed = new Set<string>();
  private pending: PendingAck | null = null;
  private syncing = false;
  private stopped = true;
  /** Backpressure: the socket is not read (ws pause) until resume(). */
  private paused = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly stats: TradeStreamStats = {
    connected: false,
    lastMessageAt: null,
    reconnects: 0,
    subscribed: 0,
    desired: 0,
    malformed: 0,
    invalidTrades: 0,
    serverErrors: 0,
  };

  constructor(private readonly opts: TradeStreamOptions) {
    super();
  }

  override on<E extends keyof TradeStreamEvents>(event: E, listener: TradeStreamEvents[E]): this {
    return super.on(event, listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    this.resolvePending(false);
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      // Trades that arrive during the close handshake are still delivered (graceful shutdown).
      this.closing = socket;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000);
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.stats.connected = false;
  }

  /**
   * Stops reading the socket (TCP flow control slows the sender; frames already received may still
   * arrive). The silence watchdog does not count the paused time.
   */
  pause(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.stats.lastMessageAt = Date.now();
    this.socket?.resume();
  }

  /** The coins this connection should carry; subscribes new ones and unsubscribes dropped ones. */
  setCoins(coins: Iterable<string>): void {
    this.desired.clear();
    for (const c of coins) this.desired.add(c);
    this.stats.desired = this.desired.size;
    void this.sync();
  }

  coins(): string[] {
    return [...this.desired];
  }

  getStats(): TradeStreamStats {
    return { ...this.stats, subscribed: this.subscribed.size, desired: this.desired.size };
  }

  /** Test hook: forget the socket as if the network died, without a close frame. */
  terminateForTest(): void {
    this.socket?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.opts.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.socket = socket;
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.stats.connected = true;
      this.stats.lastMessageAt = Date.now();
      if (this.paused) socket.pause();
      this.startTimers(socket);
      this.emit('connected');
      void this.sync();
    });
    socket.on('message', (data: WebSocket.RawData) => {
      if (this.socket !== socket && this.closing !== socket) return;
      this.stats.lastMessageAt = Date.now();
      this.handleFrame(data as Buffer);
    });
    socket.on('close', (code: number) => this.handleDown(socket, `closed ${code}`));
    socket.on('error', (err: Error) => this.handleDown(socket, err.message));
  }

  private handleFrame(data: Buffer): void {
    const frame = parseWsFrame(data, this.opts.tradeRules ?? DEFAULT_TRADE_RULES);
    switch (frame.kind) {
      case 'trades':
        this.attempt = 0;
        if (frame.invalid > 0) {
          this.stats.invalidTrades += frame.invalid;
          this.emit('rejected', frame.rejected);
        }
        if (frame.trades.length > 0) this.emit('trades', frame.trades);
        return;
      case 'ack': {
        const coin = frame.subscription?.coin;
        if (typeof coin === 'string' && this.pending?.key === `${frame.method}|${coin}`) this.resolvePending(true);
        return;
      }
      case 'error': {
        this.stats.serverErrors++;
        const already = /Already subscribed/i.test(frame.message);
        if (already && this.pending?.key.startsWith('subscribe|')) this.resolvePending(true);
        else if (/not subscribed|Already unsubscribed/i.test(frame.message) && this.pending?.key.startsWith('unsubscribe|')) {
          this.resolvePending(true);
        } else this.emit('serverError', frame.message);
        return;
      }
      case 'malformed':
        this.stats.malformed++;
        this.emit('malformed', frame.reason);
        return;
      default:
        return; // greeting, pong, other channels: liveness only
    }
  }

  private handleDown(socket: WebSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.clearTimers();
    this.stats.connected = false;
    this.subscribed.clear();
    this.resolvePending(false);
    socket.removeAllListeners('message');
    socket.terminate();
    this.emit('disconnected', reason);
    if (this.stopped) return;
    this.stats.reconnects++;
    const delay = fullJitterDelay(this.attempt++, this.opts.backoffBaseMs, this.opts.backoffCapMs);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Brings subscriptions in line with `desired`, one message at a time, each waiting for its ack. */
  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      for (;;) {
        const socket = this.socket;
        if (!socket || socket.readyState !== WebSocket.OPEN || this.stopped) return;
        const toAdd = [...this.desired].find((c) => !this.subscribed.has(c));
        const toRemove = toAdd ? undefined : [...this.subscribed].find((c) => !this.desired.has(c));
        const coin = toAdd ?? toRemove;
        if (coin === undefined) return;
        const method = toAdd ? 'subscribe' : 'unsubscribe';
        const ok = await this.request(socket, method, coin);
        if (this.socket !== socket) return; // reconnected meanwhile: the new socket resyncs
        if (!ok) {
          // No ack: the exchange may have dropped it; a fresh socket resubscribes everything.
          socket.terminate();
          return;
        }
        if (method === 'subscribe') this.subscribed.add(coin);
        else this.subscribed.delete(coin);
        await sleep(this.opts.subscribeIntervalMs);
      }
    } finally {
      this.syncing = false;
    }
  }

  private request(socket: WebSocket, method: 'subscribe' | 'unsubscribe', coin: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.resolvePending(false), this.opts.ackTimeoutMs);
      this.pending = {
        key: `${method}|${coin}`,
        resolve: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const sub = tradesSubscription(coin);
      socket.send(method === 'subscribe' ? subscribeMessage(sub) : unsubscribeMessage(sub), (err) => {
        if (err) this.resolvePending(false);
      });
    });
  }

  private resolvePending(ok: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(ok);
  }

  private startTimers(socket: WebSocket): void {
    this.clearTimers();
    this.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(PING_MESSAGE);
    }, this.opts.pingIntervalMs);
    const step = Math.max(50, Math.min(1000, Math.floor(this.opts.silenceTimeoutMs / 4)));
    this.watchdog = setInterval(() => {
      const last = this.stats.lastMessageAt ?? 0;
      if (this.paused) return;
      if (Date.now() - last > this.opts.silenceTimeoutMs) this.handleDown(socket, 'silent');
    }, step);
  }

  private clearTimers(): void {
    for (const t of [this.pingTimer, this.watchdog]) if (t) clearInterval(t);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pingTimer = this.watchdog = this.reconnectTimer = null;
  }
}
