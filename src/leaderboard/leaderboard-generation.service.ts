import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LeaderboardCacheKeys } from '../redis/contracts/leaderboard-cache';
import { LeaderboardUpdatedChannel } from '../redis/contracts/leaderboard-updated-channel';
import { REDIS_SUBSCRIBER } from '../redis/redis.tokens';
import { GenerationRow, LeaderboardReadRepository } from './leaderboard-read.repository';

/** How long the api trusts its idea of the newest generation before asking PostgreSQL again. */
const REFRESH_MS = 1000;

/**
 * The newest finished generation, as the api role sees it (and the admin's cache clears, counted):
 * re-read as soon as `leaderboard_updated` announces one, and at most once a second otherwise (one query in flight however many requests
 * wait; pub/sub may miss a message), so a new board is served within a second of its commit.
 * Once one is known it is answered at once while the re-read runs behind it, so a PostgreSQL that
 * is slow or down never holds up cached pages: the last known generation keeps serving them.
 */
@Injectable()
export class LeaderboardGenerations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaderboardGenerations.name);
  private current: GenerationRow | null = null;
  private checkedAt = 0;
  private inFlight: Promise<GenerationRow | null> | null = null;
  private clears = 0;

  constructor(
    private readonly repo: LeaderboardReadRepository,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.subscriber.on('message', this.onMessage);
    // SUBSCRIBE once the connection is ready (see EventRelayService); ioredis re-subscribes after reconnects.
    if (this.subscriber.status === 'ready') this.subscribe();
    else this.subscriber.once('ready', this.subscribe);
  }

  onApplicationShutdown(): void {
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.subscribe);
  }

  /** How many admin cache clears this process has heard of (pages held from before one are dropped). */
  get cacheClears(): number {
    return this.clears;
  }

  /** The newest generation; before the first one is known every call asks PostgreSQL. */
  async latest(): Promise<GenerationRow | null> {
    return this.peek() ?? this.refreshOnce();
  }

  /** The newest generation known, without waiting (a re-read starts behind it when due); null before the first. */
  peek(): GenerationRow | null {
    if (this.current !== null && Date.now() - this.checkedAt >= REFRESH_MS) void this.refreshOnce().catch(() => undefined);
    return this.current;
  }

  private readonly subscribe = (): void => {
    this.subscriber.subscribe(LeaderboardUpdatedChannel.channel, LeaderboardCacheKeys.clearedChannel).catch((err: Error) =>
      this.logger.warn({ msg: 'could not subscribe to the leaderboard channels', error: err.message }),
    );
  };

  private readonly onMessage = (channel: string): void => {
    if (channel === LeaderboardCacheKeys.clearedChannel) this.clears++;
    if (channel !== LeaderboardUpdatedChannel.channel) return;
    this.checkedAt = 0;
    void this.refreshOnce().catch(() => undefined);
  };

  private refreshOnce(): Promise<GenerationRow | null> {
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async refresh(): Promise<GenerationRow | null> {
    try {
      const row = await this.repo.latestGeneration();
      // Never back to an older board (a re-read that raced a newer one).
      if (row !== null && (this.current === null || row.id >= this.current.id)) this.current = row;
      this.checkedAt = Date.now();
      return this.current;
    } catch (err) {
      this.checkedAt = Date.now();
      if (this.current === null) throw err;
      this.logger.warn({ msg: 'could not read the latest leaderboard generation; serving the last known', error: (err as Error).message });
      return this.current;
    }
  }
}
