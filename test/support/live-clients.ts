import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { waitFor } from './process';

export interface Received {
  event: string;
  data: any;
}

/** trade_events of traders outside `only` (another test run's, on the shared Redis) are ignored. */
const foreign = (type: string, data: any, only?: ReadonlySet<string>): boolean =>
  only !== undefined && type === 'trade_event' && !only.has(data?.trader_address);

/** A Socket.IO client of `/updates` that records every message. */
export class IoClient {
  readonly received: Received[] = [];

  private constructor(
    readonly socket: Socket,
    only?: ReadonlySet<string>,
  ) {
    socket.onAny((event: string, data: unknown) => {
      if (!foreign(event, data, only)) this.received.push({ event, data });
    });
  }

  static async connect(baseUrl: string, opts: { transports?: string[]; only?: ReadonlySet<string> } = {}): Promise<IoClient> {
    const socket = io(`${baseUrl}/updates`, {
      transports: opts.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new IoClient(socket, opts.only);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await client.next('connection');
    return client;
  }

  of(event: string): any[] {
    return this.received.filter((r) => r.event === event).map((r) => r.data);
  }

  tradeIds(): number[] {
    return this.of('trade_event').map((e) => e.id);
  }

  /** Waits for the first (or n-th) message of this type. */
  next(event: string, nth = 1, timeoutMs = 5000): Promise<any> {
    return waitFor(async () => this.of(event)[nth - 1], timeoutMs, 10);
  }

  /** Emits with an acknowledgement; resolves with the server's ack. */
  request(event: string, payload: unknown): Promise<any> {
    return this.socket.timeout(5000).emitWithAck(event, payload);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** A plain WebSocket client of `/ws/v1/updates` that records every JSON message. */
export class WsClient {
  readonly received: Array<{ type: string; data: any; timestamp: string }> = [];

  private constructor(
    readonly ws: WebSocket,
    only?: ReadonlySet<string>,
  ) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString());
      if (!foreign(msg.type, msg.data, only)) this.received.push(msg);
    });
  }

  static async connect(baseUrl: string, opts: { headers?: Record<string, string>; only?: ReadonlySet<string> } = {}): Promise<WsClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/v1/updates`, { headers: opts.headers });
    const client = new WsClient(ws, opts.only);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.next('connection');
    return client;
  }

  of(type: string): any[] {
    return this.received.filter((r) => r.type === type).map((r) => r.data);
  }

  tradeIds(): number[] {
    return this.of('trade_event').map((e) => e.id);
  }

  next(type: string, nth = 1, timeoutMs = 5000): Promise<any> {
    return waitFor(async () => this.of(type)[nth - 1], timeoutMs, 10);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}
