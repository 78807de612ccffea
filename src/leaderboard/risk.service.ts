import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { LEADERBOARD_WINDOWS, windowStart } from './leaderboard-windows';
import { RiskRepository, RiskRow } from './risk.repository';
import { riskFigures } from './risk-metrics';

/** Traders per batch (their whole fill histories are read at once: up to 10,000 fills each). */
const BATCH = 50;
/** Figures older than this are recomputed even without new inputs (the windows move). */
const STALE_HOURS = 6;
/** A refresh stops after this long; the next generation continues it. */
const MAX_PASS_MS = 60_000;

/**
 * The risk figures of every trader whose inputs changed (risk-metrics.ts), per window, stored in
 * trader_risk for the next leaderboard run to read. Runs after each generation this worker
 * computed, under an advisory lock (one worker at a time); a pass is time-boxed.
 */
@Injectable()
export class RiskService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RiskService.name);
  private running: Promise<number> | null = null;
  private stopping = false;

  constructor(private readonly repo: RiskRepository) {}

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  /** Starts a pass unless one runs; resolves with the traders it computed. */
  refresh(): Promise<number> {
    this.running ??= this.pass()
      .catch((err: Error) => {
        this.logger.warn({ msg: 'risk refresh failed', error: err.message });
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const started = Date.now();
    const done = await this.repo.withLock(async () => {
      let total = 0;
      while (!this.stopping && Date.now() - started < MAX_PASS_MS) {
        const batch = await this.repo.candidates(BATCH, STALE_HOURS);
        if (batch.length === 0) break;
        const { now, byTrader } = await this.repo.inputs(batch.map((c) => c.traderId));
        const rows: RiskRow[] = [];
        for (const c of batch) {
          const input = byTrader.get(c.traderId)!;
          for (const window of LEADERBOARD_WINDOWS) {
            const start = windowStart(new Date(now), window);
            rows.push({ traderId: c.traderId, window, figures: riskFigures(input, start ? start.getTime() : null, now) });
          }
        }
        await this.repo.store(rows, batch);
        total += batch.length;
      }
      return total;
    });
    if (done) this.logger.log({ msg: 'risk figures computed', traders: done, duration_ms: Date.now() - started });
    return done ?? 0;
  }
}
