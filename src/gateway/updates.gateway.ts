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
import type { Namespace, Socket } from 'socket.io';
import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';
import { CopyRoomsService, isFollowerSubscription } from '../copy/api/copy-rooms.service';
import { ConnectionCountService } from './connection-count.service';
import { GatewayMetrics } from './gateway.metrics';
import {
  ALL_ROOM,
  applyChange,
  coinRoom,
  describeFilter,
  EMPTY_FILTER,
  Filter,
  parseSubscription,
  roomsForEvent,
  roomsOf,
  traderRoom,
} from './subscription';

export const UPDATES_NAMESPACE = '/updates';
/** How often sockets are checked for an unread backlog. */
const SWEEP_MS = 5_000;
/** A socket with more than this queued (engine.io packets, or bytes in its WebSocket) is not reading. */
const MAX_QUEUED_PACKETS = 2_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The parts of engine.io's connection the slow-consumer sweep reads (not in its public types). */
interface EngineConnection {
  writeBuffer?: unknown[];
  transport?: { socket?: { bufferedAmount?: number; readyState?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SubscriptionAck {
  ok: boolean;
  traders?: string[];
  coins?: string[];
  all?: boolean;
  error?: string;
}

interface ClientData {
  filter: Filter;
}

/**
 * Socket.IO namespace `/updates`. Every client starts in room `all` (everything); `subscribe`
 * moves it to rooms `trader:<address>` / `coin:<coin>` (see subscription.ts). Events are emitted
 * to this process's sockets only (`local`): every api replica consumes the Redis channel itself,
 * so a broadcast through the Redis adapter would reach each client once per replica.
 */
@WebSocketGateway({ namespace: UPDATES_NAMESPACE })
export class UpdatesGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(UpdatesGateway.name);
  private sweeper: NodeJS.Timeout | null = null;
  @WebSocketServer()
  private readonly nsp?: Namespace;

  constructor(
    private readonly connections: ConnectionCountService,
    private readonly metrics: GatewayMetrics,
    private readonly copyRooms: CopyRoomsService,
  ) {}

  afterInit(): void {
    this.sweeper = setInterval(() => this.dropSlowConsumers(), SWEEP_MS);
    this.sweeper.unref();
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

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): SubscriptionAck | Promise<SubscriptionAck> {
    if (isFollowerSubscription(body)) return this.copyRooms.join(client, body);
    return this.change(client, 'subscribe', body);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() client: Socket, @MessageBody() body: unknown): SubscriptionAck {
    return this.change(client, 'unsubscribe', body);
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

  private change(client: Socket, op: 'subscribe' | 'unsubscribe', body: unknown): SubscriptionAck {
    const data = client.data as ClientData;
    const parsed = parseSubscription(body, op === 'subscribe');
    const result = parsed.ok ? applyChange(data.filter, op, parsed.value) : parsed;
    if (!result.ok) {
      this.metrics.invalid.labels('client').inc();
      client.emit('error', { event: op, message: result.error });
      return { ok: false, error: result.error };
    }
    const before = roomsOf(data.filter);
    const after = roomsOf(result.filter);
    for (const room of before) if (!after.has(room)) void client.leave(room);
    for (const room of after) if (!before.has(room)) void client.join(room);
    data.filter = result.filter;
    const described = describeFilter(result.filter);
    client.emit('subscribed', described);
    return { ok: true, ...described };
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
      const buffered = conn.transport?.socket?.bufferedAmount ?? 0;
      if (queued > MAX_QUEUED_PACKETS || buffered > MAX_BUFFERED_BYTES) {
        this.metrics.slowClients.labels('socket_io').inc();
        this.logger.warn({ msg: 'dropping a slow Socket.IO client', queued, buffered });
        socket.disconnect(true);
        conn.transport?.socket?.terminate?.(); // it would not read a close handshake either
      }
    }
  }

  /**
   * Sockets that `to([all, trader, coin])` reaches: a socket is either in `all` or in filter
   * rooms, never both, so only the trader and coin rooms need de-duplicating.
   */
  private countRecipients(address: string, coin: string): number {
    const rooms = this.nsp!.adapter.rooms;
    const everyone = rooms.get(ALL_ROOM)?.size ?? 0;
    const byTrader = rooms.get(traderRoom(address.toLowerCase()));
    const byCoin = rooms.get(coinRoom(coin));
    if (!byTrader || !byCoin) return everyone + (byTrader?.size ?? byCoin?.size ?? 0);
    let both = byTrader.size;
    for (const id of byCoin) if (!byTrader.has(id)) both++;
    return everyone + both;
  }
}
