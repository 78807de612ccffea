import { Injectable } from '@nestjs/common';
import { LeaderboardEntryDto, TraderLeaderboardDto } from './dto/leaderboard.dto';
import { toLeaderboardEntry } from './leaderboard-entry';
import { LeaderboardGenerations } from './leaderboard-generation.service';
import { LeaderboardReadRepository } from './leaderboard-read.repository';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from './leaderboard-windows';

export type TraderLeaderboardMetrics = TraderLeaderboardDto;

/** What other modules (the trader detail) read of the leaderboard. */
@Injectable()
export class LeaderboardReadService {
  constructor(
    private readonly repo: LeaderboardReadRepository,
    private readonly generations: LeaderboardGenerations,
  ) {}

  /**
   * A trader's metrics in each window of the newest generation, with `rank` = its rank by
   * trader_score among the window's eligible traders (null when not eligible). A window the
   * trader is not on is null. Null when no generation has been computed yet.
   *
   * @param trader a trader id (number or numeric string) or an address (any case)
   */
  async metricsForTrader(trader: number | string): Promise<TraderLeaderboardMetrics | null> {
    const generation = await this.generations.latest();
    if (!generation) return null;
    const ref = typeof trader === 'number' || /^\d+$/.test(trader) ? { id: String(trader) } : { address: trader.toLowerCase() };
    const rows = await this.repo.forTrader(generation.id, ref);
    const windows = Object.fromEntries(LEADERBOARD_WINDOWS.map((w) => [w, null])) as Record<LeaderboardWindow, LeaderboardEntryDto | null>;
    for (const row of rows) windows[row.window] = toLeaderboardEntry(row, row.score_rank);
    return { computed_at: generation.computedAt.toISOString(), as_of: generation.startedAt.toISOString(), ...windows };
  }
}
