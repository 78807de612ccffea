import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { ExchangeBoardClient } from '../hyperliquid/exchange-board.client';
import { LeaderboardRecalculate, encodeRecalculateRequest } from '../redis/contracts/leaderboard-recalculate';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { ExchangeBoardRepository } from './exchange-board.repository';

/** The file is read again after this long. */
const REFRESH_SECONDS = 86_400;
/** How often a worker checks whether the file is due (cheap: one indexed row). */
const CHECK_MS = 60_000;
/** After a failed read. */
const RETRY_MS = 30_000;
/** When another worker holds the lock (it may be reading the file right now): check again soon. */
const BUSY_MS = 5_000;
/** Rows per statement. */
const CHUNK = 5_000;

/**
 * Day-one coverage: the exchange's public leaderboard file (EXCHANGE_LEADERBOARD_URL, ~30–45k
 * wallets, no weight) makes its wallets known traders with the exchange's own window figures, at
 * boot when it was never read and daily after; one worker at a time (advisory lock). A new board
 * is requested at once, so a fresh install lists them within the next run.
 */
@Injectable()
export class ExchangeBoardService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExchangeBoardService.name);
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly client: ExchangeBoardClient | null;
  lastRead: { at: Date; rows: number; newTraders: number } | null = null;

  constructor(
    private readonly repo: ExchangeBoardRepository,
    config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.client = config.exchangeLeaderboardUrl ? new ExchangeBoardClient(config.exchangeLeaderboardUrl) : null;
  }

  onApplicationBootstrap(): void {
    if (this.client) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((next) => this.schedule(next))
        .finally(() => (this.running = null));
    }, ms);
    this.timer.unref();
  }

  /** Reads the file when due; resolves with the delay to the next check. */
  private async tick(): Promise<number> {
    try {
      const held = await this.repo.withLock(async () => {
        const age = await this.repo.lastFetchAgeSeconds();
        if (age === null || age >= REFRESH_SECONDS) await this.read();
        return true;
      });
      return held === null ? BUSY_MS : CHECK_MS;
    } catch (err) {
      if (this.abort.signal.aborted) return CHECK_MS;
      this.logger.warn({ msg: 'exchange leaderboard read failed', error: (err as Error).message, retry_in_s: RETRY_MS / 1000 });
      return RETRY_MS;
    }
  }

  private async read(): Promise<void> {
    const started = Date.now();
    const board = await this.client!.fetch(this.abort.signal);
    let added = 0;
    for (let i = 0; i < board.rows.length; i += CHUNK) {
      this.abort.signal.throwIfAborted();
      added += await this.repo.upsert(board.rows.slice(i, i + CHUNK));
    }
    const durationMs = Date.now() - started;
    await this.repo.recordFetch(board.rows.length, added, board.invalid, durationMs);
    this.lastRead = { at: new Date(), rows: board.rows.length, newTraders: added };
    this.logger.log({ msg: 'exchange leaderboard read', rows: board.rows.length, new_traders: added, invalid: board.invalid, duration_ms: durationMs });
    // The next leaderboard run lists them (the workers poll the key every 2 s).
    await this.redis.set(LeaderboardRecalculate.key, encodeRecalculateRequest(Date.now())).catch(() => undefined);
  }
}
