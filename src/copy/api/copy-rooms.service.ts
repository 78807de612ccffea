import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.tokens';
import { CopyKeys, decodeEvents } from '../copy-channels';
import { FollowersRepository } from '../data/followers.repository';
import { principalOf } from './follower-auth.guard';
import { dropConnection } from '../../redis/redis-availability';

export const followerRoom = (id: string) => `follower:${id}`;

/** `subscribe {"follower","token"}` / `unsubscribe {"follower"}` (the contract's follower room form). */
export function isFollowerSubscription(body: unknown): body is { follower: unknown; token?: unknown } {
  return typeof body === 'object' && body !== null && 'follower' in body;
}

/**
 * Followers' Socket.IO rooms: a client that presents the follower's token (or the admin key)
 * joins `follower:<id>` and receives that follower's `copy_order` and `copy_alert`, which the
 * engines publish on Redis `ts:copy:events`; each api process emits to its own sockets. A client
 * leaves with `unsubscribe {"follower"}` (no token needed to stop receiving).
 */
@Injectable()
export class CopyRoomsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CopyRoomsService.name);
  private subscriber: Redis | null = null;
  private nsp: Namespace | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly followers: FollowersRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriber = this.redis.duplicate({ connectionName: 'traderscout:copy-events' });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => this.deliver(raw));
    // Not awaited: a Redis outage must not hold up the boot (ioredis subscribes once connected).
    void this.subscriber.subscribe(CopyKeys.eventsChannel).catch((err: Error) =>
      this.logger.warn({ msg: 'copy events subscription failed', error: err.message }),
    );
  }

  onModuleDestroy(): void {
    if (this.subscriber) dropConnection(this.subscriber);
  }

  async join(client: Socket, body: { follower: unknown; token?: unknown }): Promise<{ ok: boolean; follower?: string; error?: string }> {
    const id = typeof body.follower === 'string' || typeof body.follower === 'number' ? String(body.follower) : '';
    const token = typeof body.token === 'string' ? body.token : null;
    const principal = /^\d{1,18}$/.test(id) ? await principalOf(token, this.config, this.followers) : null;
    const allowed = principal !== null && principal !== 'invalid' && (principal.kind === 'admin' || principal.followerId === id);
    if (!allowed) {
      client.emit('error', { message: 'unauthorized' });
      return { ok: false, error: 'unauthorized' };
    }
    this.nsp = client.nsp;
    await client.join(followerRoom(id));
    return { ok: true, follower: id };
  }

  /** `unsubscribe {"follower"}`: this socket leaves the follower's room (a no-op when it is not in it). */
  async leave(client: Socket, body: { follower: unknown }): Promise<{ ok: boolean; follower?: string; left?: boolean; error?: string }> {
    const id = typeof body.follower === 'string' || typeof body.follower === 'number' ? String(body.follower) : '';
    if (!/^\d{1,18}$/.test(id)) {
      client.emit('error', { event: 'unsubscribe', message: 'follower must be a follower id' });
      return { ok: false, error: 'follower must be a follower id' };
    }
    const room = followerRoom(id);
    const left = client.rooms.has(room);
    await client.leave(room);
    return { ok: true, follower: id, left };
  }

  private deliver(raw: string): void {
    if (!this.nsp) return;
    const rooms = this.nsp.adapter.rooms;
    for (const event of decodeEvents(raw)) {
      const room = followerRoom(event.follower_id);
      if (rooms.has(room)) this.nsp.local.to(room).emit(event.type, event.data);
    }
  }
}
