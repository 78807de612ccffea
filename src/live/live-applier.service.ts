import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis from 'ioredis';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sleep } from '../common/timers';
import { AppConfig } from '../config/app-config';
import { EventPublisher } from '../events/event-publisher.service';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { fitsLedger } from '../hyperliquid/trade-validation';
import { type StreamEntry } from '../redis/contracts/contract';
import { LeaderLocks } from '../redis/contracts/leader-locks';
import { SnapshotsStream, decodeSnapshotEntry } from '../redis/contracts/snapshots-stream';
import { TrackingSignals, raiseSignals } from '../redis/contracts/tracking-signals';
import { TradesStream, decodeTradesEntry } from '../redis/contracts/trades-stream';
import { disconnectUnlessEnded, dropConnection } from '../redis/redis-availability';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { DEFAULT_FIRST_SIGHT } from './first-sight';
import { FirstSightMetrics } from './first-sight.metrics';
import { emptyChanges, LiveBook } from './live-book';
import { LiveBatch, LiveFencedError, LiveRepository, SnapshotRecord } from './live.repository';
import { decodeSnapshot } from './snapshot-message';
import { LeaderLock } from './leader-lock';
import { RiskWatch } from './risk-watch';
import { VaultWatch } from './vault-watch';

const HORIZON_MS = 300_000;
/** Trades re-read after a restart: enough to place the next snapshots and first sightings in time. */
const REREAD_MS = Math.max(HORIZON_MS, DEFAULT_FIRST_SIGHT.maxAgeMs);
/** Stream entries per read: an entry is a discovery batch, so this bounds a commit to ~minutes of trades at most. */
const READ_COUNT = 20;
const BLOCK_MS = 100;
/** How often recent trades past the horizon are forgotten. */
const PRUNE_MS = 10_000;
/** How often every watched trader's derived state is checked against the latest prices. */
const RISK_SWEEP_MS = 5000;
const TRADES = 'live:trades';
const SNAPSHOTS = 'live:snapshots';

/**
 * The live position engine: one leader (Redis lock; the other workers stand by) reads the trades
 * that discovery stored and the snapshots tracking fetched, advances every baselined trader's
 * positions in memory, and commits positions, per-trader fills with realized PnL, events and the
 * stream checkpoints in one transaction per batch, so a restart resumes exactly where the last
 * commit left off. Events are published after the commit (the outbox relay covers a crash).
 */
@Injectable()
export class LiveApplierService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveApplierService.name);
  private readonly lock: LeaderLock;
  private book = new LiveBook(HORIZON_MS);
  private risk = new RiskWatch();
  private readonly vaultWatch = new VaultWatch();
  private lastSweepAt = 0;
  private lastPruneAt = 0;
  private readonly suspects: Counter<'reason'>;
  private cursors: Record<string, string> = {};
  /** The lock epoch the in-memory state was loaded under. */
  private loadedEpoch = -1;
  private running = false;
  private loop: Promise<void> | null = null;
  private reader: Redis | null = null;
  private readonly applied: Counter<'kind'>;
  private readonly commitSeconds: Histogram;
  private readonly lag: Gauge;
  private readonly baselined: Gauge;
  private readonly firstSight: FirstSightMetrics;
  /** When the last batch was committed (trades or snapshots applied). */
  lastBatchAt: number | null = null;
  /** When the leader last completed a read (with or without entries): it is not stuck. */
  lastStepAt: number | null = null;
  /** Now minus the exchange time of the newest trade, when the last trades were applied. */
  lastLagSeconds: number | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly repo: LiveRepository,
    private readonly publisher: EventPublisher,
    private readonly config: AppConfig,
    registry: Registry,
  ) {
    this.lock = new LeaderLock(redis, LeaderLocks.liveApplier, 15_000);
    const registers = [registry];
    this.applied = new Counter({ name: 'live_applied_total', help: 'Trades and snapshots applied to live positions (refused_trade: a trade that does not fit the ledger, skipped)', labelNames: ['kind'], registers });
    this.commitSeconds = new Histogram({
      name: 'live_commit_seconds',
      help: 'Time to commit one live batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.lag = new Gauge({ name: 'live_trade_lag_seconds', help: 'Now minus the exchange time of the last applied trade', registers });
    this.baselined = new Gauge({ name: 'live_baselined_traders', help: 'Traders whose positions are followed live', registers });
    this.firstSight = new FirstSightMetrics(registers);
    this.suspects = new Counter({
      name: 'live_suspects_total',
      help: 'Baselined traders sent for early reconciliation because their derived state looks wrong',
      labelNames: ['reason'],
      registers,
    });
  }

  /** Traders whose positions are followed live. */
  get baselinedTraders(): number {
    return this.book.size;
  }

  get isLeader(): boolean {
    return this.lock.held;
  }

  positionsOf(address: string) {
    return this.book.positionsOf(address);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.reader = this.redis.duplicate({ connectionName: 'traderscout:live-reader' });
    this.reader.on('error', () => undefined);
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    // A read queued for a Redis that is down would hold the shutdown until ioredis gives up on it.
    if (this.reader && this.reader.status !== 'ready') dropConnection(this.reader);
    await this.loop?.catch(() => undefined);
    await this.lock.release().catch(() => undefined);
    if (this.reader) disconnectUnlessEnded(this.reader);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!(await this.lock.acquireOrRenew())) {
          await sleep(1000);
          continue;
        }
        // Lost and re-acquired the lock: another leader may have committed meanwhile.
        if (!this.cursors[TRADES] || this.loadedEpoch !== this.lock.epoch) await this.load();
        await this.step();
      } catch (err) {
        const fenced = err instanceof LiveFencedError;
        this.logger.warn({ msg: fenced ? 'live applier fenced off, reloading' : 'live applier step failed, reloading', error: (err as Error).message });
        this.cursors = {}; // reload committed state: nothing half-applied survives
        await sleep(1000);
      }
    }
  }

  /**
   * State from the last commit: positions, baselines, checkpoints, and the trades read in the
   * last HORIZON_MS (re-read from the trades stream up to the checkpoint), so snapshots that
   * arrive after a restart are placed in time as if there had been none.
   */
  private async load(): Promise<void> {
    const epoch = this.lock.epoch;
    const book = new LiveBook(HORIZON_MS);
    for (const trader of await this.repo.loadTraders()) book.load(trader);
    const checkpoints = await this.repo.loadCheckpoints([TRADES, SNAPSHOTS]);
    const tradesFrom = checkpoints[TRADES] ?? '0-0';
    let remembered = 0;
    if (tradesFrom !== '0-0') {
      let from = String(Date.now() - REREAD_MS);
      for (;;) {
        const entries = (await this.reader!.xrange(TradesStream.key, from, tradesFrom, 'COUNT', 200)) as StreamEntry[];
        for (const [, fields] of entries) {
          for (const t of decodeTradesEntry<WsTrade>(fields)) book.rememberTrade(t);
          remembered++;
        }
        if (entries.length < 200) break;
        from = `(${entries[entries.length - 1][0]}`;
      }
    }
    this.book = book;
    this.risk = new RiskWatch(); // rebuilt from the snapshots read from here on
    this.cursors = { [TRADES]: tradesFrom, [SNAPSHOTS]: checkpoints[SNAPSHOTS] ?? '0-0' };
    this.loadedEpoch = epoch;
    this.baselined.set(book.size);
    this.logger.log({ msg: 'live positions loaded', traders: book.size, trades_from: this.cursors[TRADES], recent_batches: remembered });
  }

  private async step(): Promise<void> {
    const res = (await this.reader!.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      TradesStream.key,
      SnapshotsStream.key,
      this.cursors[TRADES],
      this.cursors[SNAPSHOTS],
    )) as Array<[string, StreamEntry[]]> | null;
    this.pruneEvery(PRUNE_MS);
    if (!res) {
      this.lastStepAt = Date.now();
      await this.sweepRisk();
      return;
    }
    const out = emptyChanges();
    const next = { ...this.cursors };
    const snapshots: SnapshotRecord[] = [];
    const baselines = new Map<string, number>();
    let lastTradeTime = 0;
    for (const [stream, entries] of res) {
      for (const [id, fields] of entries) {
        if (stream === TradesStream.key) {
          next[TRADES] = id;
          const trades = decodeTradesEntry<WsTrade>(fields);
          for (const t of trades) {
            // Checked at the boundary already; one that slipped past must not fail every commit.
            if (!fitsLedger(t)) {
              this.applied.inc({ kind: 'refused_trade' });
              continue;
            }
            this.book.applyTrade(t, out);
            this.risk.observePrice(t.coin, t.px);
            this.vaultWatch.observe(t.coin, t.buyer, t.seller);
          }
          if (trades.length) lastTradeTime = trades[trades.length - 1].time;
          this.applied.inc({ kind: 'trade' }, trades.length);
        } else {
          next[SNAPSHOTS] = id;
          const message = decodeSnapshotEntry(fields);
          if (message === undefined) continue;
          const snap = decodeSnapshot(message);
          const outcome = this.book.applySnapshot(snap.input, out);
          this.applied.inc({ kind: outcome.stale ? 'stale_snapshot' : outcome.superseded ? 'superseded_snapshot' : 'snapshot' });
          if (outcome.stale || outcome.superseded) continue;
          if (outcome.firstSight) this.firstSight.baselined(snap.input.address, outcome.firstSight, outcome.events.length, this.logger);
          this.risk.setSnapshot(snap.input.address, snap.risk);
          baselines.set(snap.input.traderId, Math.max(baselines.get(snap.input.traderId) ?? 0, snap.input.time));
          snapshots.push({ ...snap.record, keepHistory: outcome.baseline || outcome.corrected });
        }
      }
    }
    const touched = [...out.touched].map((a) => this.book.get(a)).filter((t) => t !== undefined);
    // One row per (trader, coin), whatever the batch touched twice.
    const positions = new Map<string, LiveBatch['positions'][number]>();
    for (const t of touched) {
      for (const [coin, p] of t.positions) positions.set(`${t.traderId}|${coin}`, { traderId: t.traderId, coin, szi: p.szi, entryPx: p.entryPx });
    }
    const batch: LiveBatch = {
      positions: [...positions.values()],
      touchedTraderIds: [...new Set(touched.map((t) => t.traderId))],
      baselines: [...baselines].map(([traderId, time]) => ({ traderId, time })),
      fills: out.fills,
      events: out.events,
      snapshots,
      checkpoints: next,
      expected: this.cursors,
    };
    const end = this.commitSeconds.startTimer();
    const events = await this.repo.commit(batch);
    end();
    this.cursors = next;
    this.lastBatchAt = Date.now();
    this.lastStepAt = this.lastBatchAt;
    this.baselined.set(this.book.size);
    if (lastTradeTime) {
      this.lastLagSeconds = (Date.now() - lastTradeTime) / 1000;
      this.lag.set(this.lastLagSeconds);
    }
    if (events.length > 0 && this.config.faultInjection === 'exit-after-commit') {
      this.logger.warn({ msg: 'fault injection: SIGKILL between commit and publish', events: events.length });
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    await this.publisher.publish(events);
    for (const address of out.ambiguous) this.risk.ambiguous(address);
    await this.sweepRisk();
  }

  /** Forgets recent trades past the horizon (a busy stream is never idle, so not only when idle). */
  private pruneEvery(ms: number): void {
    const now = Date.now();
    if (now - this.lastPruneAt < ms) return;
    this.lastPruneAt = now;
    this.book.prune(now);
    this.firstSight.pruned(this.book.takeDropped(), this.book.keptTrades);
  }

  /**
   * Every RISK_SWEEP_MS: traders whose derived state looks wrong (see RiskWatch) go to tracking
   * for a snapshot ahead of the round-robin (ZSET ts:signals:reconcile). Best effort: a failed
   * hand-off is retried by the next snapshot's round-robin turn anyway.
   */
  private async handOffVaultSuspects(now: number): Promise<void> {
    const flagged = this.vaultWatch.take();
    if (flagged.length === 0) return;
    await raiseSignals(this.redis, TrackingSignals.vaultSuspects, flagged.map((address) => ({ address, at: now }))).catch((err: Error) =>
      this.logger.warn({ msg: 'cannot hand vault suspects to tracking', count: flagged.length, error: (err as Error).message }),
    );
  }

  private async sweepRisk(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweepAt < RISK_SWEEP_MS) return;
    this.lastSweepAt = now;
    await this.handOffVaultSuspects(now);
    const suspects = this.risk.sweep();
    if (suspects.length === 0) return;
    for (const s of suspects) this.suspects.inc({ reason: s.reason });
    await raiseSignals(this.redis, TrackingSignals.reconcile, suspects.map((s) => ({ address: s.address, at: now }))).catch((err: Error) =>
      this.logger.warn({ msg: 'cannot hand suspects to tracking', count: suspects.length, error: err.message }),
    );
  }
}

