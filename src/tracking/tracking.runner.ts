import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { setMaxListeners } from 'events';
import { hostname } from 'os';
import { AppConfig } from '../config/app-config';
import { StreamGaps, decodeStreamGap } from '../redis/contracts/stream-gaps';
import { TrackingSignals, decodeSignalsWithScores } from '../redis/contracts/tracking-signals';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { roundStartFor } from './round';
import { TrackingMetrics } from './tracking.metrics';
import { ClaimedTrader, TrackingQueueRepository } from '../traders/data/tracking-queue.repository';
import { TrackingService } from './tracking.service';

const SIGNAL_BATCH = 1000;
const LEASE_SECONDS = 120;
const FAILURE_RETRY_SECONDS = 15;
/** Flagged traders a queue lane takes at once while the fast path is busy (the rest go first in its batch). */
const STEAL_BATCH = 4;
/** Traders seen trading this long before a gap are reconciled after it. */
const GAP_ACTIVITY_WINDOW_MS = 3_600_000;

/**
 * Spends the budget on snapshots, continuously: a queue pump works through the round (every
 * active trader once per TRACKING_INTERVAL_SECONDS, flagged traders first, then never tracked,
 * then the oldest) and a fast path refreshes traders discovery saw trading within about a second.
 * Both claim leases, so any number of workers share the work without overlap; both wait on the
 * shared budget, so the budget decides the pace and nothing is dropped.
 */
@Injectable()
export class TrackingRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TrackingRunner.name);
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly abort = new AbortController();
  private roundStart = new Date(0);
  private wake: (() => void) | null = null;
  private pumpDone: Promise<void> | null = null;
  private fastBusy = false;
  private fastDone: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** > 0 while the fast path works through flagged traders; the pump's lanes take flagged ones meanwhile. */
  private urgent = 0;
  lastTickAt: number | null = null;
  lastSnapshotAt: number | null = null;

  constructor(
    private readonly queue: TrackingQueueRepository,
    private readonly tracking: TrackingService,
    private readonly metrics: TrackingMetrics,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    // Every in-flight request listens on this one signal (up to TRACKING_CONCURRENCY lanes plus the
    // fast path): more than Node's default of 10 is expected, not a leak.
    setMaxListeners(4 * 64, this.abort.signal);
  }

  start(): void {
    this.tick();
    this.pumpDone = this.pump();
  }

  /** A round starts: every active trader not tracked since this boundary is due again. */
  tick(): void {
    this.roundStart = roundStartFor(Date.now(), this.config.trackingIntervalSeconds);
    this.lastTickAt = Date.now();
    this.metrics.lastTick.set(this.lastTickAt / 1000);
    this.wakeUp();
  }

  /** The fast path: discovery's signals become flags, flagged traders are refreshed now. */
  fastLoop(): Promise<void> {
    if (this.fastBusy || this.abort.signal.aborted) return this.fastDone ?? Promise.resolve();
    this.fastDone = this.fastPath();
    return this.fastDone;
  }

  private async fastPath(): Promise<void> {
    this.fastBusy = true;
    try {
      const raw = await this.redis.zrange(TrackingSignals.traded, 0, SIGNAL_BATCH - 1, 'WITHSCORES');
      if (raw.length > 0) {
        const signals = decodeSignalsWithScores(raw).map((s) => ({ address: s.address, tradedAt: s.at }));
        await this.queue.flag(signals);
        await this.redis.zrem(TrackingSignals.traded, ...signals.map((s) => s.address));
      }
      await this.drainGaps();
      await this.drainSuspects();
      // While the fast path finds flagged traders, the pump's lanes help with them (see `next`).
      this.urgent++;
      try {
        // Not past a shutdown: work() gives an aborted batch straight back, and claiming it again would spin.
        while (!this.abort.signal.aborted) {
          const claimed = await this.claim(true);
          if (claimed.length === 0) break;
          await this.work(claimed, 'signal');
        }
      } finally {
        this.urgent--;
      }
    } catch (err) {
      if (!this.abort.signal.aborted) this.logger.warn({ msg: 'fast path failed', error: (err as Error).message });
    } finally {
      this.fastBusy = false;
    }
  }

  /** The live engine's suspects (derived state looks wrong) → flagged for an early snapshot. */
  private async drainSuspects(): Promise<void> {
    const raw = await this.redis.zrange(TrackingSignals.reconcile, 0, SIGNAL_BATCH - 1);
    if (raw.length === 0) return;
    const flagged = await this.queue.flagSuspects(raw);
    await this.redis.zrem(TrackingSignals.reconcile, ...raw);
    this.logger.log({ msg: 'reconciling suspect live positions', suspects: raw.length, flagged });
  }

  /** Stream gaps reported by discovery → reconcile the baselined traders active around them. */
  private async drainGaps(): Promise<void> {
    for (let raw = await this.redis.rpop(StreamGaps.key); raw; raw = await this.redis.rpop(StreamGaps.key)) {
      const gap = decodeStreamGap(raw);
      if (!gap) continue;
      const flagged = await this.queue.flagRecentlyActive(gap.from - GAP_ACTIVITY_WINDOW_MS);
      this.logger.log({ msg: 'stream gap: reconciling active traders', gap_ms: gap.to - gap.from, flagged });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    this.wakeUp();
    await Promise.allSettled([...this.inFlight]);
    // Both paths release what they claimed but did not finish before they return.
    await Promise.allSettled([this.pumpDone, this.fastDone]);
  }

  private async pump(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let claimed: ClaimedTrader[] = [];
      try {
        claimed = await this.claim(false);
      } catch (err) {
        this.logger.warn({ msg: 'claim failed', error: (err as Error).message });
        await this.sleep(1000);
        continue;
      }
      if (claimed.length === 0) {
        await this.sleep(this.config.trackingIntervalSeconds * 1000);
        continue;
      }
      await this.work(claimed, 'queue');
    }
  }

  private claim(flaggedOnly: boolean, limit?: number): Promise<ClaimedTrader[]> {
    return this.queue.claim({
      worker: this.worker,
      limit: limit ?? (flaggedOnly ? Math.max(this.config.trackingConcurrency, 10) : this.config.batchSize),
      leaseSeconds: LEASE_SECONDS,
      includeVaults: this.config.includeVaults,
      roundStart: this.roundStart,
      flaggedOnly,
    });
  }

  /** Refreshes a claimed batch with bounded concurrency; what it could not do is released. */
  private async work(batch: ClaimedTrader[], path: 'queue' | 'signal'): Promise<void> {
    const pending = [...batch];
    const unfinished = new Set(batch.map((t) => t.id));
    const failed: string[] = [];
    const runOne = async (): Promise<void> => {
      for (let t = await this.next(pending, path, unfinished); t && !this.abort.signal.aborted; t = await this.next(pending, path, unfinished)) {
        try {
          await this.tracking.refresh(t, path, this.abort.signal);
          unfinished.delete(t.id);
          this.lastSnapshotAt = Date.now();
        } catch (err) {
          if (this.abort.signal.aborted) return;
          unfinished.delete(t.id);
          failed.push(t.id);
          this.metrics.failures.inc();
          this.logger.warn({ msg: 'snapshot failed', address: t.address, error: (err as Error).message });
        }
      }
    };
    const lanes = Array.from({ length: Math.min(this.config.trackingConcurrency, batch.length) }, () => {
      const p = runOne();
      this.inFlight.add(p);
      return p.finally(() => this.inFlight.delete(p));
    });
    await Promise.all(lanes);
    if (unfinished.size > 0) await this.queue.release([...unfinished], this.worker).catch(() => undefined);
    if (failed.length > 0) await this.queue.release(failed, this.worker, FAILURE_RETRY_SECONDS).catch(() => undefined);
  }

  /**
   * The next trader of a batch: flagged and never-tracked ones first; instead of a plain queue
   * turn, while the fast path finds flagged traders (new traders' baselines, gap repairs) a queue
   * lane takes a few of those, so they reach the budget ahead of round-robin turns with every
   * lane's help.
   */
  private async next(pending: ClaimedTrader[], path: 'queue' | 'signal', unfinished: Set<string>): Promise<ClaimedTrader | undefined> {
    // A baseline (flagged since, or never tracked) never waits behind the lane's round-robin turns.
    const flagged = pending.findIndex((t) => t.tradedFlagAt !== null || t.neverTracked);
    if (flagged >= 0) return pending.splice(flagged, 1)[0];
    if (path === 'queue' && this.urgent > 0 && pending.length > 0 && !this.abort.signal.aborted) {
      const taken = await this.claim(true, STEAL_BATCH).catch(() => [] as ClaimedTrader[]);
      for (const t of taken) unfinished.add(t.id);
      pending.unshift(...taken);
      if (taken.length > 0) return pending.shift();
    }
    return pending.shift();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = null;
    });
  }

  private wakeUp(): void {
    this.wake?.();
  }
}
