import { INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { SocketIoAdapter } from '../redis/contracts/socket-io-adapter';
import { disconnectUnlessEnded } from '../redis/redis-availability';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { ClientLimitsService } from './client-limits.service';
import { originAllowed } from './origin-policy';
import { whenReady } from './when-ready';

/**
 * Socket.IO on the app's HTTP server with the Redis adapter, so room operations and broadcasts
 * made through the adapter reach the sockets of every api replica. (Live events do not go through
 * it: each replica relays the Redis channel to its own sockets, see EventRelayService.) Publishes on
 * the shared client; subscribes on a dedicated connection closed with the app.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = new Logger(RedisIoAdapter.name);
  private subClient: Redis | null = null;
  private limits: ClientLimitsService | null = null;

  constructor(
    private readonly app: INestApplication,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const ours: Partial<ServerOptions> = {
      ...options,
      serveClient: false,
      maxHttpBufferSize: 16 * 1024,
      cors: { origin: origins === '*' ? true : [...origins] },
      // Handshakes only (engine.io does not ask again for a session's later requests or its upgrade).
      allowRequest: (req, callback) => {
        if (!originAllowed(req.headers.origin, origins)) return callback('origin not allowed', false);
        const limits = this.clientLimits();
        if (!limits.admits('socket_io', limits.ipOf(req))) return callback('too many connections from this address', false);
        callback(null, true);
      },
    };
    const server = super.createIOServer(port, ours) as Server;
    if (!this.subClient) throw new Error('RedisIoAdapter.connectRedis() must be awaited before the app starts');
    const pub = this.app.get<Redis>(REDIS_CLIENT);
    // Pub/sub channels are server-wide: apps on different logical databases keep separate rooms.
    const key = SocketIoAdapter.key(pub.options.db ?? 0);
    // REDIS_URL=memory:// is a single process: no replicas to join, the default adapter serves.
    if (!this.config.inMemoryRedis) server.adapter(createAdapter(pub, this.subClient, { key }));
    return server;
  }

  /** The gateway's limits (looked up at the first handshake: the adapter is built before the module). */
  private clientLimits(): ClientLimitsService {
    const limits = this.limits ?? this.app.get<ClientLimitsService>(ClientLimitsService, { strict: false });
    this.limits = limits;
    return limits;
  }

  /** Opens the adapter's subscriber connection (it must be ready before the adapter subscribes). */
  async connectRedis(): Promise<this> {
    // The adapter subscribes in its constructor without handling a rejection: its commands wait for
    // Redis however long it is down (no retry limit) instead of failing the process.
    const sub = this.app
      .get<Redis>(REDIS_CLIENT)
      .duplicate({ connectionName: 'traderscout:socket.io-adapter', maxRetriesPerRequest: null });
    sub.on('error', (err: Error) => this.logger.debug({ msg: 'socket.io adapter redis error', error: err.message }));
    this.subClient = sub;
    // Not holding up the boot when Redis is down: the adapter then subscribes while connecting,
    // and ioredis recovers with one reconnect.
    await whenReady(sub, 5_000).catch((err: Error) => this.logger.warn({ msg: 'socket.io adapter: Redis not ready', error: err.message }));
    return this;
  }

  /**
   * The Redis adapter's close() sends UNSUBSCRIBEs without awaiting them: QUIT goes after them and
   * is answered after their replies, so none is left pending (a disconnect would reject it with
   * "Connection is closed", unhandled). A Redis that does not answer gets a second, then the cut.
   */
  override async dispose(): Promise<void> {
    await super.dispose();
    const sub = this.subClient;
    this.subClient = null;
    if (!sub) return;
    if (sub.status === 'ready') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        sub.quit().catch(() => undefined),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000))),
      ]);
      clearTimeout(timer);
    }
    disconnectUnlessEnded(sub);
  }
}
