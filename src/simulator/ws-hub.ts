import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { ExchangeService } from './exchange-handler';
import type { InfoService } from './info-handler';
import type { Market } from './market';
import type { TradeRecord } from './state';
import { allMidsView } from './views';

export const GREETING = 'Websocket connection established.';
const PONG = '{"channel":"pong"}';
/** A client that lets this much pile up unread is dropped (the exchange drops slow readers too). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface WsHubOptions {
  idleTimeoutMs: number;
  maxConnections: number;
  maxSubscriptions: number;
  replayCount: number;
}

interface Subscription {
  readonly key: string;
  readonly echo: Record<string, unknown>;
  readonly coin: string | undefined;
}

interface Conn {
  readonly ws: WebSocket;
  readonly client: string;
  readonly subs: Map<string, Subscription>;
  readonly idle: NodeJS.Timeout;
  stalledUntil: number;
}

/** Frames sent by sendMalformed, in turn: broken JSON, wrong shapes, binary junk. */
const MALFORMED: ReadonlyArray<string | Buffer> = [
  'this is not json',
  '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"1',
  '{"channel":"trades","data":"not-an-array"}',
  '{"channel":"trades","data":[{"coin":"BTC","side":"X","px":"abc","sz":null,"time":"later","hash":7,"tid":"x","users":[]}]}',
  Buffer.from([0xff, 0x00, 0xfe, 0x7f, 0x80]),
  '{"channel":"someFutureChannel","data":{"anything":[1,2,3]}}',
  'null',
  '[]',
  '{"channel":"trades"}',
];

/**
 * The /ws endpoint: greeting, subscribe / unsubscribe with echoed acks, ping / pong, post (info
 * requests, charged to the same weight budget, and signed actions, as POST /exchange), `trades` and `allMids` channels, replay of recent
 * trades after subscribing, idle close, per-client connection and per-connection subscription limits,
 * and the socket-level controls (drop, stall, malformed frames).
 */
export class WsHub {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly perClient = new Map<string, number>();
  private readonly tradeSubs = new Map<string, Set<Conn>>();
  private readonly midsSubs = new Set<Conn>();
  connectionsTotal = 0;
  connectionsRejected = 0;
  messagesSent = 0;
  tradesSent = 0;
  messagesDropped = 0;
  messagesReceived = 0;

  constructor(
    private readonly opts: WsHubOptions,
    private readonly market: () => Market,
    private readonly info: InfoService,
    private readonly exchange?: ExchangeService,
  ) {
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  }

  get connections(): number {
    return this.conns.size;
  }

  get subscriptions(): number {
    let n = 0;
    for (const c of this.conns) n += c.subs.size;
    return n;
  }

  resetCounters(): void {
    this.connectionsTotal = 0;
    this.connectionsRejected = 0;
    this.messagesSent = 0;
    this.tradesSent = 0;
    this.messagesDropped = 0;
    this.messagesReceived = 0;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: string): void {
    if ((this.perClient.get(client) ?? 0) >= this.opts.maxConnections) {
      this.connectionsRejected++;
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, client));
  }

  private accept(ws: WebSocket, client: string): void {
    const idle = setTimeout(() => ws.close(1000, 'idle timeout'), this.opts.idleTimeoutMs);
    const conn: Conn = { ws, client, subs: new Map(), idle, stalledUntil: 0 };
    this.conns.add(conn);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    this.connectionsTotal++;
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.remove(conn));
    this.send(conn, GREETING, 0);
  }

  private remove(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    clearTimeout(conn.idle);
    const left = (this.perClient.get(conn.client) ?? 1) - 1;
    if (left <= 0) this.perClient.delete(conn.client);
    else this.perClient.set(conn.client, left);
    for (const sub of conn.subs.values()) this.unindex(conn, sub);
    conn.subs.clear();
  }

  private send(conn: Conn, data: string | Buffer, trades: number): void {
    if (conn.stalledUntil !== 0) {
      if (Date.now() < conn.stalledUntil) {
        this.messagesDropped++;
        return;
      }
      conn.stalledUntil = 0;
    }
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(data, { binary: false });
    this.messagesSent++;
    this.tradesSent += trades;
  }

  private sendError(conn: Conn, text: string): void {
    this.send(conn, JSON.stringify({ channel: 'error', data: text }), 0);
  }

  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    conn.idle.refresh();
    this.messagesReceived++;
    const text = isBinary ? '' : data.toString();
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.sendError(conn, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    const m = msg as Record<string, unknown>;
    switch (m.method) {
      case 'ping':
        this.send(conn, PONG, 0);
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.onSubscription(conn, m.method, m.subscription, text);
        return;
      case 'post':
        this.onPost(conn, m.id, m.request, text);
        return;
      default:
        this.sendError(conn, `Error parsing JSON into valid websocket request: ${text}`);
    }
  }

  private parseSubscription(raw: unknown): Subscription | string | undefined {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    const s = raw as Record<string, unknown>;
    if (s.type === 'trades') {
      if (typeof s.coin !== 'string') return undefined;
      return { key: `trades:${s.coin}`, echo: { type: 'trades', coin: s.coin }, coin: s.coin };
    }
    if (s.type === 'allMids') {
      const dex = typeof s.dex === 'string' && s.dex !== '' ? s.dex : undefined;
      return { key: `allMids:${dex ?? ''}`, echo: dex ? { type: 'allMids', dex } : { type: 'allMids' }, coin: undefined };
    }
    if (typeof s.type !== 'string') return undefined;
    return `Invalid subscription: ${JSON.stringify(raw)}`;
  }

  private onSubscription(conn: Conn, method: 'subscribe' | 'unsubscribe', raw: unknown, text: string): void {
    const sub = this.parseSubscription(raw);
    if (sub === undefined) {
      this.sendError(conn, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    if (typeof sub === 'string') {
      this.sendError(conn, sub);
      return;
    }
    if (method === 'subscribe') {
      if (conn.subs.has(sub.key)) {
        this.sendError(conn, `Already subscribed: ${JSON.stringify(sub.echo)}`);
        return;
      }
      if (conn.subs.size >= this.opts.maxSubscriptions) {
        this.sendError(conn, `Cannot subscribe to more than ${this.opts.maxSubscriptions} channels.`);
        return;
      }
      conn.subs.set(sub.key, sub);
      this.index(conn, sub);
      this.send(conn, JSON.stringify({ channel: 'subscriptionResponse', data: { method, subscription: sub.echo } }), 0);
      this.afterSubscribe(conn, sub);
      return;
    }
    const existing = conn.subs.get(sub.key);
    if (!existing) {
      this.sendError(conn, `Already unsubscribed: ${JSON.stringify(sub.echo)}`);
      return;
    }
    conn.subs.delete(sub.key);
    this.unindex(conn, existing);
    this.send(conn, JSON.stringify({ channel: 'subscriptionResponse', data: { method, subscription: existing.echo } }), 0);
  }

  private index(conn: Conn, sub: Subscription): void {
    if (sub.coin === undefined) {
      this.midsSubs.add(conn);
      return;
    }
    let set = this.tradeSubs.get(sub.coin);
    if (!set) this.tradeSubs.set(sub.coin, (set = new Set()));
    set.add(conn);
  }

  private unindex(conn: Conn, sub: Subscription): void {
    if (sub.coin === undefined) {
      this.midsSubs.delete(conn);
      return;
    }
    const set = this.tradeSubs.get(sub.coin);
    set?.delete(conn);
    if (set && set.size === 0) this.tradeSubs.delete(sub.coin);
  }

  /** Replay recent trades (trades) or a first snapshot (allMids) right after the ack. */
  private afterSubscribe(conn: Conn, sub: Subscription): void {
    const market = this.market();
    if (sub.coin === undefined) {
      if (sub.echo.dex === undefined) this.send(conn, this.midsMessage(market), 0);
      return;
    }
    const c = market.coinIndex.get(sub.coin);
    if (c === undefined || this.opts.replayCount <= 0) return;
    const recent = market.recentTrades(c, this.opts.replayCount);
    if (recent.length > 0) this.send(conn, this.tradesMessage(market, recent), recent.length);
  }

  private onPost(conn: Conn, id: unknown, request: unknown, text: string): void {
    if (typeof id !== 'number' || typeof request !== 'object' || request === null) {
      this.sendError(conn, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    const req = request as Record<string, unknown>;
    let response: unknown;
    if (req.type === 'info') {
      const out = this.info.handle(conn.client, req.payload);
      const payloadType = (req.payload as Record<string, unknown> | null)?.type;
      response =
        out.status === 200
          ? { type: 'info', payload: { type: payloadType, data: out.data } }
          : { type: 'error', payload: `${out.status} ${out.error ?? ''}`.trim() };
    } else if (req.type === 'action' && this.exchange) {
      void this.postAction(conn, id, req.payload);
      return;
    } else {
      response = { type: 'error', payload: `unknown post request type ${JSON.stringify(req.type)}` };
    }
    this.send(conn, JSON.stringify({ channel: 'post', data: { id, response } }), 0);
  }

  /** A signed action over the socket: the same pipeline as POST /exchange (answered when it ran). */
  private async postAction(conn: Conn, id: number, payload: unknown): Promise<void> {
    const out = await this.exchange!.handleRaw(conn.client, JSON.stringify(payload ?? null));
    const delay = this.exchange!.faults.currentDelay();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const response = out.status === 200 ? { type: 'action', payload: out.data } : { type: 'error', payload: `${out.status} ${out.error ?? ''}`.trim() };
    this.send(conn, JSON.stringify({ channel: 'post', data: { id, response } }), 0);
  }

  private tradesMessage(market: Market, trades: readonly TradeRecord[]): string {
    let s = '{"channel":"trades","data":[';
    for (let i = 0; i < trades.length; i++) s += (i === 0 ? '' : ',') + market.tradeJson(trades[i]);
    return s + ']}';
  }

  private midsMessage(market: Market): string {
    return JSON.stringify({ channel: 'allMids', data: { mids: allMidsView(market) } });
  }

  /** One `trades` message of one coin to every subscriber of that coin. */
  publishTrades(market: Market, c: number, trades: readonly TradeRecord[]): void {
    const set = this.tradeSubs.get(market.coins[c].name);
    if (!set || set.size === 0) return;
    const buf = Buffer.from(this.tradesMessage(market, trades));
    for (const conn of set) this.send(conn, buf, trades.length);
  }

  broadcastMids(): void {
    if (this.midsSubs.size === 0) return;
    const buf = Buffer.from(this.midsMessage(this.market()));
    for (const conn of this.midsSubs) if (conn.subs.has('allMids:')) this.send(conn, buf, 0);
  }

  /** Close every socket: code 1000, or abruptly (TCP reset, no close frame). */
  dropAll(abrupt: boolean): number {
    const n = this.conns.size;
    for (const conn of [...this.conns]) {
      if (abrupt) conn.ws.terminate();
      else conn.ws.close(1000, 'dropped by simulator');
    }
    return n;
  }

  /** Stop sending to every open socket for `ms` without closing it; what would be sent is lost. */
  stall(ms: number): number {
    const until = Date.now() + ms;
    for (const conn of this.conns) conn.stalledUntil = until;
    return this.conns.size;
  }

  sendMalformed(count: number): number {
    let sent = 0;
    for (const conn of this.conns) {
      for (let i = 0; i < count; i++) {
        const frame = MALFORMED[i % MALFORMED.length];
        if (conn.ws.readyState !== WebSocket.OPEN) break;
        conn.ws.send(frame, { binary: typeof frame !== 'string' });
        this.messagesSent++;
        sent++;
      }
    }
    return sent;
  }

  /**
   * One frame exactly as given, to every socket subscribed to `coin`'s trades (or to every socket):
   * a test stands in for an exchange that sends something odd. Returns the sockets reached.
   */
  sendRaw(frame: string, coin?: string): number {
    const targets = coin === undefined ? this.conns : (this.tradeSubs.get(coin) ?? new Set<Conn>());
    let sent = 0;
    for (const conn of targets) {
      if (conn.ws.readyState !== WebSocket.OPEN) continue;
      this.send(conn, frame, 0);
      sent++;
    }
    return sent;
  }

  async close(): Promise<void> {
    for (const conn of [...this.conns]) {
      conn.ws.terminate();
      this.remove(conn);
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
