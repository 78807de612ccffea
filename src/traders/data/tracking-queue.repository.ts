import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withDeadlockRetry } from '../../database/deadlock-retry';

export interface ClaimedTrader {
  id: string;
  address: string;
  /** When discovery flagged it as having traded (null: a plain queue turn). */
  tradedFlagAt: Date | null;
  /** Never tracked: its first snapshot is a baseline (goes ahead of round-robin turns). */
  neverTracked: boolean;
}

export interface ClaimOptions {
  worker: string;
  limit: number;
  leaseSeconds: number;
  includeVaults: boolean;
  /** Queue turns only for traders not tracked since this instant (the current round's start). */
  roundStart: Date;
  /** Only traders discovery flagged (the fast path). */
  flaggedOnly?: boolean;
}

/**
 * The tracking queue in `traders` (part of the traders family, beside traders.repository.ts): claims are leases taken with FOR NO KEY UPDATE SKIP LOCKED, so any
 * number of workers share the queue without taking the same trader, and a crashed worker's
 * claims simply expire. Order: see `claim`.
 */
@Injectable()
export class TrackingQueueRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims up to `limit` traders, tier by tier: (1) baselines of new active traders (discovery saw
   * a not-yet-baselined trader trade: flag priority 0), (2) never tracked (baselines of the rest,
   * most active first), (3) stream-gap repairs and suspect derived state (flag priorities 1, 2),
   * (4) round-robin by age. The fast path takes tiers 1 and 3 only.
   */
  async claim(opts: ClaimOptions): Promise<ClaimedTrader[]> {
    const tiers: Array<{ where: string; order: string; extra: unknown[]; queue: boolean }> = [
      { where: 'traded_flag_at IS NOT NULL AND flag_priority = 0', order: 'trades_seen DESC, traded_flag_at ASC', extra: [], queue: false },
      { where: 'last_tracked_at IS NULL', order: 'last_tracked_at ASC NULLS FIRST, trades_seen DESC', extra: [], queue: true },
      {
        where: 'traded_flag_at IS NOT NULL',
        order: 'flag_priority ASC NULLS LAST, trades_seen DESC, traded_flag_at ASC',
        extra: [],
        queue: false,
      },
      {
        where: '(last_tracked_at IS NULL OR last_tracked_at < $5)',
        order: 'last_tracked_at ASC NULLS FIRST, trades_seen DESC',
        extra: [opts.roundStart],
        queue: true,
      },
    ];
    const claimed: ClaimedTrader[] = [];
    for (const tier of tiers) {
      if (claimed.length >= opts.limit) break;
      if (opts.flaggedOnly && tier.queue) continue;
      claimed.push(...(await this.claimWhere(opts, tier.where, tier.order, opts.limit - claimed.length, tier.extra)));
    }
    return claimed;
  }

  /** True while a new active trader waits for its baseline (flagged by its first trade, unclaimed). */
  async baselineWaiting(includeVaults: boolean): Promise<boolean> {
    const rows: Array<{ waiting: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM traders
                       WHERE traded_flag_at IS NOT NULL AND flag_priority = 0 AND is_active AND ($1 OR NOT is_vault)
                         AND (claimed_until IS NULL OR claimed_until < now())) AS waiting`,
      [includeVaults],
    );
    return rows[0]?.waiting === true;
  }

  private async claimWhere(
    opts: ClaimOptions,
    where: string,
    order: string,
    limit: number,
    extra: unknown[],
  ): Promise<ClaimedTrader[]> {
    const rows: Array<{ id: string; address: string; traded_flag_at: Date | null; never_tracked: boolean }> = await this.db.query(
      `
      WITH picked AS (
        SELECT id FROM traders
        WHERE is_active AND ($4 OR NOT is_vault)
          AND (claimed_until IS NULL OR claimed_until < now())
          AND ${where}
        ORDER BY ${order}
        LIMIT $1
        FOR NO KEY UPDATE SKIP LOCKED
      )
      , claimed AS (
        UPDATE traders t
           SET claimed_until = now() + make_interval(secs => $2), claimed_by = $3
          FROM picked WHERE t.id = picked.id
        RETURNING t.id, t.address, t.traded_flag_at, t.last_tracked_at IS NULL AS never_tracked
      )
      SELECT * FROM claimed`,
      [limit, opts.leaseSeconds, opts.worker, opts.includeVaults, ...extra],
    );
    return rows.map((r) => ({ id: r.id, address: r.address, tradedFlagAt: r.traded_flag_at, neverTracked: r.never_tracked }));
  }

  /**
   * Gives back claims not worked on: at once (shutdown), or after `retryAfterSeconds` (a fetch
   * that failed keeps its lease a little longer, so a failing trader is not retried in a hot loop).
   */
  async release(ids: string[], worker: string, retryAfterSeconds = 0): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE traders
          SET claimed_until = CASE WHEN $3 > 0 THEN now() + make_interval(secs => $3) END,
              claimed_by = CASE WHEN $3 > 0 THEN claimed_by END
        WHERE id = ANY($1::bigint[]) AND claimed_by = $2`,
      [ids, worker, retryAfterSeconds],
    );
  }

  /**
   * Queue bookkeeping after a snapshot: tracked now, its account value, claim released, older
   * flags cleared.
   */
  async markTracked(id: string, fetchStartedAt: Date, accountValue: string | null = null): Promise<void> {
    await this.db.query(
      `UPDATE traders SET last_tracked_at = now(), claimed_until = NULL, claimed_by = NULL,
              account_value = COALESCE($3::numeric, account_value),
              flag_priority = CASE WHEN traded_flag_at <= $2 THEN NULL ELSE flag_priority END,
              traded_flag_at = CASE WHEN traded_flag_at <= $2 THEN NULL ELSE traded_flag_at END
        WHERE id = $1`,
      [id, fetchStartedAt, accountValue],
    );
  }

  /**
   * Flags traders that need a snapshot soon: discovery's "just traded" signals for traders whose
   * positions are not followed live yet (a baselined trader's trades are applied from the
   * stream and need no REST call). Keeps the oldest flag per trader. Rows are locked in address
   * order, the order discovery's upsert takes them in, so the two never deadlock; NO KEY UPDATE (what
   * the UPDATE itself takes) leaves the key-share locks of the live engine's foreign keys alone.
   * Exception to one-repository-per-table-family: the NOT EXISTS on live_baselines (the live
   * repository's) is read inside the locking statement, so a baseline committed meanwhile is seen;
   * asked separately it could race the lock.
   */
  async flag(signals: Array<{ address: string; tradedAt: number }>): Promise<number> {
    if (signals.length === 0) return 0;
    const result: Array<{ n: string }> = await withDeadlockRetry(() =>
      this.db.query(
        `
      WITH s AS (
        SELECT address, to_timestamp(min(ms) / 1000.0) AS at
        FROM unnest($1::varchar[], $2::bigint[]) AS x(address, ms) GROUP BY address
      ), locked AS (
        SELECT t.id, s.at FROM traders t JOIN s ON s.address = t.address
         WHERE t.is_active AND NOT EXISTS (SELECT 1 FROM live_baselines b WHERE b.trader_id = t.id)
         ORDER BY t.address
         FOR NO KEY UPDATE OF t
      ), upd AS (
        UPDATE traders t SET traded_flag_at = LEAST(COALESCE(t.traded_flag_at, locked.at), locked.at), flag_priority = 0
          FROM locked WHERE t.id = locked.id
        RETURNING 1
      ) SELECT count(*) AS n FROM upd`,
        [signals.map((s) => s.address), signals.map((s) => String(s.tradedAt))],
      ),
    );
    return Number(result[0]?.n ?? 0);
  }

  /**
   * After a gap in the trade stream (a reconnect, an outage) the live positions of traders who
   * trade may have missed trades: flag the recently active baselined ones for reconciliation.
   * (Reads live_baselines inside the locking statement, as `flag` does.)
   */
  async flagRecentlyActive(sinceMs: number): Promise<number> {
    return this.flagLocked(
      `SELECT t.id FROM traders t JOIN live_baselines b ON b.trader_id = t.id
        WHERE t.is_active AND t.last_seen_trading_at >= to_timestamp($1::bigint / 1000.0)`,
      [String(sinceMs)],
      1,
    );
  }

  /**
   * Baselined traders whose derived state looks wrong (the live engine's suspects): flagged for a
   * snapshot after new traders and stream gaps, ahead of the round-robin.
   */
  async flagSuspects(addresses: string[]): Promise<number> {
    if (addresses.length === 0) return 0;
    return this.flagLocked(`SELECT t.id FROM traders t WHERE t.address = ANY($1::varchar[]) AND t.is_active`, [addresses], 2);
  }

  /**
   * Flags the traders `select` finds (a query of `t.id` over `traders t`) for a snapshot now,
   * keeping an existing flag's time and the more urgent priority; locked in address order.
   */
  private async flagLocked(select: string, params: unknown[], priority: number): Promise<number> {
    const rows: Array<{ n: string }> = await withDeadlockRetry(() =>
      this.db.query(
        `WITH locked AS (${select} ORDER BY t.address FOR NO KEY UPDATE OF t),
         upd AS (
           UPDATE traders t SET traded_flag_at = COALESCE(t.traded_flag_at, now()),
                  flag_priority = LEAST(COALESCE(t.flag_priority, ${priority}), ${priority})
             FROM locked WHERE t.id = locked.id
           RETURNING 1)
         SELECT count(*) AS n FROM upd`,
        params,
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Counts for progress lines: eligible this round, flagged, claimed. */
  async queueStats(roundStart: Date, includeVaults: boolean): Promise<{ due: number; flagged: number; active: number }> {
    const rows: Array<{ due: string; flagged: string; active: string }> = await this.db.query(
      `SELECT count(*) FILTER (WHERE last_tracked_at IS NULL OR last_tracked_at < $1) AS due,
              count(*) FILTER (WHERE traded_flag_at IS NOT NULL) AS flagged,
              count(*) AS active
         FROM traders WHERE is_active AND ($2 OR NOT is_vault)`,
      [roundStart, includeVaults],
    );
    return { due: Number(rows[0].due), flagged: Number(rows[0].flagged), active: Number(rows[0].active) };
  }
}
