import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'os';
import { sleep } from '../common/timers';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { maxWeight } from '../hyperliquid/weights';
import { RateBudget } from '../rate-budget/rate-budget';
import { EnrichmentClaim, EnrichmentRepository } from './enrichment.repository';
import { EXCHANGE_FILLS_KEPT, FILLS_PAGE, fillTid, isPerpCoin, portfolioPoints } from './enrichment-math';
import { LeaderboardMetrics } from './leaderboard.metrics';

/** Traders claimed per batch, and how long the claim holds. */
const BATCH = 10;
const LEASE_SECONDS = 900;
/** A trader is enriched again after this long (incrementally: fills since the last fetch). */
const REFRESH_HOURS = 6;
/** Pause when nobody is due (cut short when this process computes a new board). */
const IDLE_MS = 30_000;
/** Enrichment only spends while the shared budget's last minute is below this share. */
const BUDGET_SHARE = 0.5;
/** A progress line at most this often. */
const PROGRESS_MS = 30_000;
/** Re-read this much before the previous fetch (fills the exchange showed late are upserted again). */
const OVERLAP_MS = 5 * 60_000;
/** More pages than the exchange's 10,000 kept fills can fill: a bound, not a limit in practice. */
const MAX_PAGES = Math.ceil(EXCHANGE_FILLS_KEPT / FILLS_PAGE) + 2;

/**
 * Fetches, for the most promising traders first (volume, then realized PnL, on the newest board),
 * what the trade stream cannot show: the exchange's account value / PnL history (`portfolio`) and
 * the fills before discovery with the exchange's closedPnl and fee (`userFillsByTime`, paged
 * forward). Low priority in the shared weight budget, and only while the budget's last minute is
 * under half used and no high-priority request waits, so tracking is never slowed. Every worker
 * runs it; traders are claimed with a lease.
 */
@Injectable()
export class EnrichmentService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EnrichmentService.name);
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  lastEnrichedAt: number | null = null;
  private enrichedSinceProgress = 0;
  private lastProgressAt = 0;

  constructor(
    private readonly repo: EnrichmentRepository,
    private readonly info: HyperliquidInfoClient,
    private readonly budget: RateBudget,
    private readonly metrics: LeaderboardMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  /** A new board exists: look for traders to enrich now rather than after the idle pause. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const claims = await this.repo.claim(this.worker, BATCH, REFRESH_HOURS, LEASE_SECONDS);
        if (claims.length === 0) {
          await this.idle(signal);
          continue;
        }
        for (const claim of claims) {
          if (signal.aborted) break;
          await this.enrichOne(claim, signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.logger.warn({ msg: 'enrichment pass failed', error: (err as Error).message });
        await this.idle(signal).catch(() => undefined);
      }
    }
  }

  private async enrichOne(claim: EnrichmentClaim, signal: AbortSignal): Promise<void> {
    try {
      await this.enrich(claim, signal);
      this.metrics.enrichTraders.inc({ result: 'ok' });
      this.lastEnrichedAt = Date.now();
      this.enrichedSinceProgress++;
      await this.progress();
    } catch (err) {
      if (signal.aborted) return;
      this.metrics.enrichTraders.inc({ result: 'failed' });
      this.logger.warn({ msg: 'enrichment failed', address: claim.address, error: (err as Error).message });
      await this.repo.fail(claim.traderId, (err as Error).message);
    }
  }

  /** The backfill's progress line: traders done since the last line, and those still due a first fetch. */
  private async progress(): Promise<void> {
    const now = Date.now();
    if (now - this.lastProgressAt < PROGRESS_MS) return;
    this.lastProgressAt = now;
    const remaining = await this.repo.remaining().catch(() => null);
    this.logger.log({ msg: 'backfill progress', enriched: this.enrichedSinceProgress, remaining, worker: this.worker });
    this.enrichedSinceProgress = 0;
  }

  /** Waits IDLE_MS, or less when woken; rejects when aborted. */
  private idle(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = (err?: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wakeUp = null;
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = () => done(signal.reason);
      const timer = setTimeout(() => done(), IDLE_MS);
      signal.addEventListener('abort', onAbort, { once: true });
      this.wakeUp = () => done();
    });
  }

  /** One trader: its portfolio history, then its fills from the last fetch (or the beginning) on. */
  async enrich(claim: EnrichmentClaim, signal: AbortSignal): Promise<void> {
    await this.waitForBudget(maxWeight({ type: 'portfolio' }), signal);
    const portfolio = await this.info.portfolio(claim.address, signal);
    this.metrics.enrichRequests.inc({ type: 'portfolio' });
    const points = portfolioPoints(portfolio);
    await this.repo.upsertPortfolio(claim.traderId, points);
    this.metrics.enrichPoints.inc(points.length);

    const firstFetch = claim.fillsUntil === null;
    const fetchedUpTo = Date.now();
    let start = firstFetch ? 0 : claim.fillsUntil!.getTime() - OVERLAP_MS;
    let total = 0;
    let oldest: number | null = null;
    let complete = false;
    for (let page = 0; page < MAX_PAGES && !complete; page++) {
      await this.waitForBudget(maxWeight({ type: 'userFillsByTime' }), signal);
      const { items } = await this.info.userFillsByTime(claim.address, start, undefined, signal);
      this.metrics.enrichRequests.inc({ type: 'userFillsByTime' });
      const perps = items.filter((f) => isPerpCoin(f.coin)).map((f) => ({ ...f, tid: fillTid(f) }));
      await this.repo.upsertFills(claim.traderId, perps);
      this.metrics.enrichFills.inc(perps.length);
      total += items.length;
      if (oldest === null && items.length > 0) oldest = items[0].time;
      if (items.length < FILLS_PAGE) {
        complete = true;
      } else {
        const last = items[items.length - 1].time;
        start = last > start ? last : start + 1;
      }
    }
    // The whole history is known when the first fetch ended before the exchange's retention cap.
    const fillsSince = !firstFetch ? null : complete && total < EXCHANGE_FILLS_KEPT ? 'full' : oldest !== null ? new Date(oldest) : null;
    await this.repo.finish(claim.traderId, {
      fillsSince,
      fillsUntil: complete ? new Date(fetchedUpTo) : new Date(start),
      fetched: total,
      portfolio: true,
    });
  }

  /** Waits until spending `weight` keeps the shared budget's last minute under BUDGET_SHARE. */
  private async waitForBudget(weight: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const usage = await this.budget.usage();
      const free =
        (usage.pausedUntil === null || usage.pausedUntil <= Date.now()) &&
        usage.waitingHigh === 0 &&
        usage.usedLastMinute + weight <= BUDGET_SHARE * usage.weightPerMinute;
      if (free) return;
      await sleep(1000, signal);
    }
  }
}

