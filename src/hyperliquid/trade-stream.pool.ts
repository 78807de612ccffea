import { EventEmitter } from 'events';
import type { TradeRejection, WsTrade } from './hyperliquid.types';
import { TradeStreamConnection, TradeStreamOptions, TradeStreamStats } from './trade-stream.connection';

export interface TradeStreamPoolOptions extends TradeStreamOptions {
  /** The exchange allows 1000 subscriptions per IP; stay under it per connection. */
  maxSubscriptionsPerConnection: number;
  /** The exchange allows 10 connections per IP. */
  maxConnections: number;
}

export interface TradeStreamPoolStats extends Omit<TradeStreamStats, 'connected'> {
  connections: number;
  connected: number;
  /** True when every connection is up. */
  allConnected: boolean;
}

/**
 * Spreads the `trades` subscriptions of many coins over as few connections as the exchange's
 * per-connection limit allows. A coin keeps its connection while it stays listed.
 */
export class TradeStreamPool extends EventEmitter {
  private readonly connections: TradeStreamConnection[] = [];
  private readonly owner = new Map<string, TradeStreamConnection>();
  private running = false;
  private paused = false;

  constructor(private readonly opts: TradeStreamPoolOptions) {
    super();
  }

  start(): void {
    this.running = true;
    for (const c of this.connections) c.start();
  }

  /** Backpressure: stop reading every connection until resume(). */
  pause(): void {
    this.paused = true;
    for (const c of this.connections) c.pause();
  }

  resume(): void {
    this.paused = false;
    for (const c of this.connections) c.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.connections.map((c) => c.stop()));
  }

  setCoins(coins: string[]): void {
    const wanted = new Set(coins);
    for (const [coin] of this.owner) if (!wanted.has(coin)) this.owner.delete(coin);
    for (const coin of wanted) {
      if (this.owner.has(coin)) continue;
      this.owner.set(coin, this.connectionWithRoom());
    }
    for (const conn of this.connections) {
      conn.setCoins([...this.owner].filter(([, c]) => c === conn).map(([coin]) => coin));
    }
  }

  coins(): string[] {
    return [...this.owner.keys()];
  }

  getStats(): TradeStreamPoolStats {
    const all = this.connections.map((c) => c.getStats());
    const sum = (k: 'reconnects' | 'subscribed' | 'desired' | 'malformed' | 'invalidTrades' | 'serverErrors') =>
      all.reduce((s, x) => s + x[k], 0);
    const last = all.reduce<number | null>((m, x) => (x.lastMessageAt && (!m || x.lastMessageAt > m) ? x.lastMessageAt : m), null);
    const connected = all.filter((x) => x.connected).length;
    return {
      connections: all.length,
      connected,
      allConnected: all.length > 0 && connected === all.length,
      lastMessageAt: last,
      reconnects: sum('reconnects'),
      subscribed: sum('subscribed'),
      desired: sum('desired'),
      malformed: sum('malformed'),
      invalidTrades: sum('invalidTrades'),
      serverErrors: sum('serverErrors'),
    };
  }

  /** Test hook: cut every socket without a close frame. */
  terminateForTest(): void {
    for (const c of this.connections) c.terminateForTest();
  }

  private connectionWithRoom(): TradeStreamConnection {
    const load = (conn: TradeStreamConnection) => [...this.owner.values()].filter((c) => c === conn).length;
    const existing = this.connections.find((c) => load(c) < this.opts.maxSubscriptionsPerConnection);
    if (existing) return existing;
    if (this.connections.length >= this.opts.maxConnections) {
      // Over every limit: overload the least-loaded connection rather than drop a market.
      return this.connections.reduce((a, b) => (load(a) <= load(b) ? a : b));
    }
    const conn = new TradeStreamConnection({ ...this.opts, name: `trades-${this.connections.length}` });
    conn.on('trades', (t: WsTrade[]) => this.emit('trades', t));
    conn.on('malformed', (r: string) => this.emit('malformed', r));
    conn.on('rejected', (r: TradeRejection[]) => this.emit('rejected', r));
    conn.on('serverError', (m: string) => this.emit('serverError', m));
    conn.on('connected', () => this.emit('connected'));
    conn.on('disconnected', (r: string) => this.emit('disconnected', r));
    this.connections.push(conn);
    if (this.paused) conn.pause();
    if (this.running) conn.start();
    return conn;
  }
}
