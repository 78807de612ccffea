import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { withTimeout } from '../common/timers';
import { isoOrNull } from '../common/timestamps';
import { AppConfig } from '../config/app-config';
import { ConnectionCountService } from '../gateway/connection-count.service';
import { RateBudget } from '../rate-budget/rate-budget';
import { TrackingSignals } from '../redis/contracts/tracking-signals';
import { TradesStream } from '../redis/contracts/trades-stream';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { FreshnessItemDto, StatsDto, TradersFreshnessDto } from './stats.dto';
import { DatabaseCounts, StatsRepository } from './stats.repository';

/** Database counts are reused this long: a busy stats route costs at most one count per window. */
const COUNTS_TTL_MS = 2_000;
/** Each Redis read of the stats gives up after this (a down Redis shows as nulls, not as a slow route). */
const REDIS_TIMEOUT_MS = 1_000;
const NEWEST_TRADE_STALE_S = 300;
const SNAPSHOT_STALE_S = 24 * 3600;

const timeout = <T>(p: Promise<T>): Promise<T> => withTimeout(p, REDIS_TIMEOUT_MS);

const settled = <T>(r: PromiseSettledResult<T>): T | null => (r.status === 'fulfilled' ? r.value : null);

@Injectable()
export class StatsService {
  private counts: { at: number; value: Promise<DatabaseCounts> } | null = null;

  constructor(
    private readonly repo: StatsRepository,
    private readonly connections: ConnectionCountService,
    private readonly budget: RateBudget,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async stats(): Promise<StatsDto> {
    const [counts, ping, usage, cluster, pending, lastTrades, streamLength] = await Promise.allSettled([
      this.databaseCounts(),
      timeout(this.redis.ping()),
      timeout(this.budget.usage()),
      timeout(this.connections.cluster()),
      timeout(this.redis.zcard(TrackingSignals.traded)),
      timeout(this.redis.xrevrange(TradesStream.key, '+', '-', 'COUNT', 1)),
      timeout(this.redis.xlen(TradesStream.key)),
    ]);
    if (counts.status === 'rejected') throw counts.reason;
    const local = this.connections.local();
    const budget = settled(usage);
    const last = settled(lastTrades)?.[0]?.[0];
    return {
      database: {
        total_traders: counts.value.totalTraders,
        active_traders: counts.value.activeTraders,
        total_trade_events: counts.value.totalTradeEvents,
        counts_exact: counts.value.exact,
      },
      websocket: {
        active_connections: settled(cluster)?.total ?? local.total,
        api_instances: settled(cluster)?.instances ?? 1,
        this_process: { socket_io: local.socket_io, websocket: local.websocket },
      },
      cache: { redis_connected: ping.status === 'fulfilled' && ping.value === 'PONG' },
      rate_limit: {
        weight_per_minute: this.config.rateLimitWeightPerMinute,
        used_last_minute: budget?.usedLastMinute ?? null,
        paused_until: budget?.pausedUntil ? new Date(budget.pausedUntil).toISOString() : null,
        consecutive_429: budget?.consecutive429 ?? null,
      },
      tracking: { pending_signals: settled(pending) },
      discovery: {
        last_trades_at: last ? new Date(Number(last.split('-')[0])).toISOString() : null,
        trades_stream_length: settled(streamLength),
      },
      timestamp: new Date().toISOString(),
    };
  }

  async freshness(): Promise<TradersFreshnessDto> {
    const [f, b] = await Promise.all([this.repo.freshness(), this.repo.backfill()]);
    const now = Date.now();
    const item = (at: Date | null, staleAfter: number): FreshnessItemDto => {
      const iso = isoOrNull(at);
      if (iso === null) return { at: null, age_seconds: null, stale_after_seconds: staleAfter, status: 'none' };
      const age = Math.max(0, (now - Date.parse(iso)) / 1000);
      return {
        at: iso,
        age_seconds: Math.round(age * 10) / 10,
        stale_after_seconds: staleAfter,
        status: age > staleAfter ? 'stale' : 'fresh',
      };
    };
    const newestTrade = item(f.newestTradeAt, NEWEST_TRADE_STALE_S);
    const oldestSnapshot = { ...item(f.oldestTrackedAt, SNAPSHOT_STALE_S), never_tracked: f.neverTracked };
    const leaderboard = item(f.leaderboardComputedAt, 2 * this.config.leaderboardIntervalSeconds + 60);
    const parts = [newestTrade, oldestSnapshot, leaderboard];
    return {
      status: parts.some((p) => p.status === 'stale') ? 'stale' : 'ok',
      newest_trade: newestTrade,
      oldest_tracked_snapshot: oldestSnapshot,
      leaderboard,
      backfill: {
        exchange_board_read_at: b.boardReadAt ? new Date(b.boardReadAt).toISOString() : null,
        exchange_board_rows: b.boardRows,
        seeded_traders: b.seeded,
        backfilled_traders: b.backfilled,
        backfilled_share: b.seeded > 0 ? Math.round((b.backfilled / b.seeded) * 10_000) / 10_000 : null,
      },
      timestamp: new Date().toISOString(),
    };
  }

  private databaseCounts(): Promise<DatabaseCounts> {
    const now = Date.now();
    if (this.counts && now - this.counts.at < COUNTS_TTL_MS) return this.counts.value;
    const value = this.repo.counts();
    this.counts = { at: now, value };
    value.catch(() => (this.counts = null));
    return value;
  }
}
