import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'http';
import type { Namespace, Socket } from 'socket.io';
import { sleep } from '../common/timers';
import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';
import { CLOSE_GRACE_MS, MAX_BUFFERED_BYTES, MAX_QUEUED_PACKETS, RATE_LIMITED } from './client-limits';
import { ClientLimitsService } from './client-limits.service';
import { CopyRoomsService, isFollowerSubscription } from '../copy/api/copy-rooms.service';
import { ConnectionCountService } from './connection-count.service';
import { GatewayMetrics } from './gateway.metrics';
import {
  ALL_ROOM,
  coinRoom,
  EMPTY_FILTER,
  Filter,
  handleSubscriptionMessage,
  roomsForEvent,
  SubscriptionReply,
  traderRoom,
} from './subscription';

export const UPDATES_NAMESPACE = '/updates';
/** How often sockets are checked for an unread backlog (a sweep of 10,000 sockets takes ~1 ms). */
const SWEEP_MS = 1_000;

/** The parts of engine.io's connection the gateway reads (not in its public types). */
interface EngineConnection {
  request: IncomingMessage;
  readyState: string;
  writeBuffer?: Array<{ data?: unknown }>;
  transport?: { socket?: { bufferedAmount?: number; readyState?: number; terminate?: () => void } };
  close(discard?: boolean): void;
  once(event: 'close', fn: () => void): void;
  prependListener(event: 'data', fn: () => void): void;
}

export type SubscriptionAck = ({ ok: true } & SubscriptionReply) | { ok: false; error: string };

interface ClientData {
  filter: Filter;
}

/** Bytes a socket has not sent yet: packets queued in engine.io plus its WebSocket's buffer. */
function unsentBytes(conn: EngineConnection): number {
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 0;
  }
  return bytes;
}

/** Cuts the raw connection of a client that did not finish closing within the grace period. */
function terminateLater(conn: EngineConnection): void {
  setTimeout(() => {
    if (conn.readyState !== 'closed') conn.transport?.socket?.terminate?.();
  }, CLOSE_GRACE_MS).unref();
}

/**
 * Socket.IO namespace `/updates`. Every client starts in room `all` (everything); `subscribe`
 * moves it to rooms `trader:<address>` / `coin:<coin>` (see subscription.ts). Events are emitted
 * to this process's sockets only (`local`): every api replica consumes the Redis channel itself,
 * so a broadcast through the Redis adapter would reach each client once per replica. One emit per
 * event to its rooms: the packet (and its WebSocket frame) is encoded once for every recipient.
 *
 * Bounded clients: LIVE_MAX_CONNECTIONS_PER_IP (checked at the handshake by RedisIoAdapter,
 * counted here per engine.io connection), a message budget per connection (over it: an `error`,
 * then the connection is closed), and a sweep every second that drops sockets leaving more than
 * MAX_BUFFERED_BYTES unsent.
 */
@WebSocketGateway({ namespace: UPDATES_NAMESPACE })
export class UpdatesGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(UpdatesGateway.name);
  private sweeper: NodeJS.Timeout | null = null;
  /** This namespace's socket of each engine.io connection (to tell a client why it is cut). */
  private readonly socketOf = new WeakMap<EngineConnection, Socket>();
  @WebSocketServer()
  private readonly nsp?: Namespace;

  constructor(
    private readonly connections: ConnectionCountService,
    private readonly limits: ClientLimitsService,
    private readonly metrics: GatewayMetrics,
    private readonly copyRooms: CopyRoomsService,
  ) {}

  afterInit(nsp: Namespace): void {
    this.sweeper = setInterval(() => this.dropSlowConsumers(), SWEEP_MS);
    this.sweeper.unref();
    // Per-IP counting is per engine.io connection (one per client, whatever its namespaces).
    nsp.server.engine.on('connection', (conn: EngineConnection) => {
      const ip = this.limits.ipOf(conn.request);
      if (!this.limits.opened('socket_io', ip)) {
        conn.close(true); // over the cap in a burst of handshakes that all passed the pre-check
        return;
      }
      conn.once('close', () => this.limits.closed(ip));
      // Every message of the connection (any namespace, any packet) spends a token, checked
      // before Socket.IO decodes it.
      const bucket = this.limits.bucket();
      let cut = false;
      conn.prependListener('data', () => {
        if (cut || bucket.take()) return;
        cut = true;
        this.cutForRate(conn);
      });
    });
  }

  /**
   * Closes this process's connections at the transport level (clients see `transport close` and
   * reconnect, to another replica in a rolling deploy; a Socket.IO `disconnect` would tell them
   * not to), then cuts those that do not finish the WebSocket close handshake within 500 ms (a
   * stalled client would otherwise hold the HTTP server open for ws's 30 s close timeout).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const engine = this.nsp?.server.engine as unknown as { clients?: Record<string, EngineConnection> } | undefined;
    const conns = Object.values(engine?.clients ?? {});
    if (conns.length === 0) return;
    for (const conn of conns) conn.close(true);
    await sleep(500);
    for (const conn of conns) if (conn.transport?.socket?.readyState !== 3) conn.transport?.socket?.terminate?.();
  }

  handleConnection(client: Socket): void {
    (client.data as ClientData).filter = EMPTY_FILTER;
    this.socketOf.set(client.conn as unknown as EngineConnection, client);
    void client.join(ALL_ROOM);
    this.connections.changed('socket_io', 1);
    client.emit('connection', {
      message: 'Connected to traderscout live updates: trade_event and leaderboard_updated',
      timestamp: new Date().toISOString(),
    });
  }

  handleDisconnect(): void {
    this.connections.changed('socket_io', -1);
  }

  /**
   * `{"traders":[…],"coins":[…]}`. (A follower room request, `{"follower","token"}`, is another
   * payload kind: it would be told apart here, before the filter parser.)
   */
  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): SubscriptionAck | ReturnType<CopyRoomsService['join']> {
    if (isFollowerSubscription(body)) return this.copyRooms.join(client, body);
    return this.changeFilter(client, 'subscribe', body);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): SubscriptionAck | ReturnType<CopyRoomsService['leave']> {
    if (isFollowerSubscription(body)) return this.copyRooms.leave(client, body);
    return this.changeFilter(client, 'unsubscribe', body);
  }

  /** Emits to this process's matching sockets (each once); returns how many. */
  broadcastTradeEvent(event: TradeEventPayload): number {
    if (!this.nsp) return 0;
    const recipients = this.countRecipients(event.trader_address, event.details.coin);
    if (recipients === 0) return 0;
    this.nsp.local.to(roomsForEvent(event.trader_address, event.details.coin)).emit('trade_event', event);
    this.metrics.delivered.labels('socket_io', 'trade_event').inc(recipients);
    return recipients;
  }

  broadcastLeaderboard(payload: LeaderboardUpdatedPayload): number {
    if (!this.nsp) return 0;
    const recipients = this.nsp.sockets.size;
    this.nsp.local.emit('leaderboard_updated', payload);
    this.metrics.delivered.labels('socket_io', 'leaderboard_updated').inc(recipients);
    return recipients;
  }

  /** Replies with what changed (bounded by the message), never the whole filter. */
  private changeFilter(client: Socket, op: 'subscribe' | 'unsubscribe', body: unknown): SubscriptionAck {
    const data = client.data as ClientData;
    const result = handleSubscriptionMessage(data.filter, op, body);
    if (!result.ok) {
      this.metrics.invalid.labels('client').inc();
      client.emit('error', { event: op, message: result.error });
      return { ok: false, error: result.error };
    }
    for (const room of result.leave) void client.leave(room);
    for (const room of result.join) void client.join(room);
    data.filter = result.filter;
    client.emit('subscribed', result.reply);
    return { ok: true, ...result.reply };
  }

  /**
   * Over its message budget: told why (on `/updates`, if it joined), then disconnected; the message
   * that tripped it is not handled (its socket is gone when Socket.IO decodes it). Cut if it does
   * not close in time.
   */
  private cutForRate(conn: EngineConnection): void {
    this.limits.rateLimited('socket_io');
    const client = this.socketOf.get(conn);
    if (client?.connected) {
      client.emit('error', { event: null, message: RATE_LIMITED });
      client.disconnect(true);
    } else conn.close();
    terminateLater(conn);
  }

  /**
   * Disconnects sockets that stopped reading: their backlog would otherwise grow in this process's
   * memory for as long as they stay connected.
   */
  private dropSlowConsumers(): void {
    if (!this.nsp) return;
    for (const socket of this.nsp.sockets.values()) {
      const conn = socket.conn as unknown as EngineConnection;
      const queued = conn.writeBuffer?.length ?? 0;
      if (queued === 0 && (conn.transport?.socket?.bufferedAmount ?? 0) === 0) continue;
      const unsent = unsentBytes(conn);
      if (queued > MAX_QUEUED_PACKETS || unsent > MAX_BUFFERED_BYTES) {
        this.metrics.slowClients.labels('socket_io').inc();
        this.logger.warn({ msg: 'dropping a slow Socket.IO client', queued, unsent });
        socket.disconnect(true);
        conn.transport?.socket?.terminate?.(); // it would not read a close handshake either
      }
    }
  }

  /**
   * Sockets that `to([all, trader, coin])` reaches: a socket is either in `all` or in filter
   * rooms, never both, so only the trader and coin rooms need de-duplicating (the smaller one is
   * looked up in the other).
   */
  private countRecipients(address: string, coin: string): number {
    const rooms = this.nsp!.adapter.rooms;
    const everyone = rooms.get(ALL_ROOM)?.size ?? 0;
    const byTrader = rooms.get(traderRoom(address.toLowerCase()));
    const byCoin = rooms.get(coinRoom(coin));
    if (!byTrader || !byCoin) return everyone + (byTrader?.size ?? byCoin?.size ?? 0);
    const [small, large] = byTrader.size <= byCoin.size ? [byTrader, byCoin] : [byCoin, byTrader];
    let union = large.size;
    for (const id of small) if (!large.has(id)) union++;
    return everyone + union;
  }
}
