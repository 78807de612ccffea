import { Injectable, Logger } from '@nestjs/common';
import { GenerationRow, LeaderboardReadRepository } from './leaderboard-read.repository';

/** How long the api trusts its idea of the newest generation before asking PostgreSQL again. */
const REFRESH_MS = 1000;

/**
 * The newest finished generation, as the api role sees it: re-read at most once a second (one
 * query in flight however many requests wait), so a new board is served within a second of its
 * commit. When PostgreSQL cannot answer, the last known generation keeps serving cached pages.
 */
@Injectable()
export class LeaderboardGenerations {
  private readonly logger = new Logger(LeaderboardGenerations.name);
  private current: GenerationRow | null = null;
  private checkedAt = 0;
  private inFlight: Promise<GenerationRow | null> | null = null;

  constructor(private readonly repo: LeaderboardReadRepository) {}

  async latest(): Promise<GenerationRow | null> {
    // Before the first generation every request asks (the board appears as soon as it exists).
    if (this.current !== null && Date.now() - this.checkedAt < REFRESH_MS) return this.current;
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async refresh(): Promise<GenerationRow | null> {
    try {
      this.current = await this.repo.latestGeneration();
      this.checkedAt = Date.now();
      return this.current;
    } catch (err) {
      if (this.current === null) throw err;
      this.logger.warn({ msg: 'could not read the latest leaderboard generation; serving the last known', error: (err as Error).message });
      return this.current;
    }
  }
}
