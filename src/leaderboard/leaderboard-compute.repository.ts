import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import type { LeaderboardWeights } from '../config/app-config';
import { LeaderboardSourcesRepository, SourceRefresh } from './leaderboard-sources.repository';
import { LEDGER_EPOCH, lit, num, saneNotional, Times, WindowSql, WINDOWS } from './leaderboard-sql';
import { LEADERBOARD_WINDOWS, LeaderboardWindow } from './leaderboard-windows';
import { SCORE_CLIP_HIGH, SCORE_CLIP_LOW } from './score';

/** Advisory-lock key of the leaderboard run (one run at a time across every worker). */
export const LEADERBOARD_LOCK_KEY = 727_003;
/** Generations kept (older ones are detached and dropped after each run). */
export const GENERATIONS_KEPT = 3;
/**
 * The ledger is summed incrementally up to `now − SEAL_LAG`; the last SEAL_LAG is read raw on
 * every run, so trades stored a little late still count (later ones trigger a rebuild).
 */
export const SEAL_LAG_MINUTES = 15;

export interface ComputeOptions {
  /** The computation time (windows end here and start 1/7/30 days before); default: the database's now(). */
  at?: Date;
  weights: LeaderboardWeights;
  includeVaults: boolean;
  minTrades: number;
  minVolumeUsd: number;
  /** work_mem for the run's aggregations and sorts (PostgreSQL units, e.g. '256MB'). */
  workMem: string;
  /**
   * Skip the run when, once the lock is held, the newest generation is younger than this (another
   * worker just computed it). Unset: always run (an admin request).
   */
  ifOlderThanSeconds?: number;
}

export interface ComputedGeneration {
  id: number;
  /** The computation time the windows are relative to. */
  startedAt: Date;
  computedAt: Date;
  /** Traders on the board (rows of the `all` window). */
  count: number;
  eligible: Record<LeaderboardWindow, number>;
  rows: number;
  /** Whether the ledger totals were rebuilt from scratch (first run, or the ledger changed behind them). */
  ledgerRebuilt: boolean;
  /** Traders whose PnL / account aggregates were recomputed (the others' inputs had not changed). */
  sources: Record<'pnl' | 'account', SourceRefresh>;
  durationMs: number;
  /** Milliseconds per stage, for logs and the bench. */
  stages: Record<string, number>;
}

interface Marks {
  sealed_until: Date;
  p30: Date;
  p7: Date;
  p1: Date;
  fills_sealed: string;
  fills_p30: string;
  fills_p7: string;
  fills_p1: string;
}

const DAY_MS = 86_400_000;

/**
 * The leaderboard run: every metric of every trader for the four windows, set-based, scored,
 * ranked and published as a new generation in one REPEATABLE READ transaction (one consistent
 * snapshot of every source). Readers see the previous generation until the commit.
 *
 * Work per run: the ledger through running totals (only the slices that crossed a mark since the
 * last run are read, see advanceLedger), one grouped pass over trader_fills, one window-function
 * pass over the account value series, then one row per trader and window. The rows go into a
 * fresh table (`leaderboard_metrics_g<id>`, partitioned by window, UNLOGGED leaves: derived data,
 * recomputed after a crash instead of being written twice through the WAL) that is attached to
 * `leaderboard_metrics` just before the commit.
 */
@Injectable()
export class LeaderboardComputeRepository {
  private readonly logger = new Logger(LeaderboardComputeRepository.name);
  /** Backend of the run in progress in this process (to cancel it at shutdown). */
  private runningPid: number | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sources: LeaderboardSourcesRepository = new LeaderboardSourcesRepository(),
  ) {}

  /** Cancels this process's run in progress, if any (its transaction rolls back). */
  async cancel(): Promise<void> {
    if (this.runningPid !== null) await this.db.query('SELECT pg_cancel_backend($1)', [this.runningPid]);
  }

  /** Runs one computation; null when another worker holds the lock or has just computed one. */
  async compute(opts: ComputeOptions): Promise<ComputedGeneration | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [lock]: Array<{ ok: boolean; pid: number }> = await runner.query(
        'SELECT pg_try_advisory_lock($1) AS ok, pg_backend_pid() AS pid',
        [LEADERBOARD_LOCK_KEY],
      );
      if (!lock.ok) return null;
      this.runningPid = lock.pid;
      try {
        if (opts.ifOlderThanSeconds !== undefined) {
          const latest = await this.latestStatus();
          if (latest && !latest.lost && latest.ageSeconds < opts.ifOlderThanSeconds) return null;
        }
        const result = await this.run(runner, opts);
        // Committed: a shutdown now waits for the short cleanup instead of cancelling it (it
        // would leave an extra generation behind until the next run).
        this.runningPid = null;
        await this.dropOldGenerations(runner).catch((err: Error) =>
          this.logger.warn({ msg: 'leaderboard cleanup failed', error: err.message }),
        );
        return result;
      } finally {
        this.runningPid = null;
        // A pooled connection must never go back still holding the lock (every later run would
        // be refused): release every session lock, or close the connection if that fails.
        const released = await runner
          .query('SELECT pg_advisory_unlock_all()')
          .then(() => true)
          .catch(() => false);
        if (!released) await this.discard(runner);
      }
    } finally {
      if (!runner.isReleased) await runner.release();
    }
  }

  /** Closes the runner's connection instead of returning it to the pool (TypeORM's postgres runner). */
  private async discard(runner: QueryRunner): Promise<void> {
    const pg = runner as unknown as { releasePostgresConnection?: (err?: Error) => Promise<void> };
    if (pg.releasePostgresConnection) await pg.releasePostgresConnection(new Error('leaderboard lock not released')).catch(() => undefined);
    else await runner.release().catch(() => undefined);
  }

  /**
   * The newest finished generation: its age (from its computation time, by the database clock)
   * and whether its rows are gone (UNLOGGED tables are emptied by a crash recovery).
   */
  async latestStatus(): Promise<{ id: number; ageSeconds: number; lost: boolean } | null> {
    const rows: Array<{ id: string; age: number; lost: boolean }> = await this.db.query(`
      SELECT g.id, extract(epoch FROM now() - g.started_at)::float8 AS age,
             g.trader_count > 0 AND NOT EXISTS (SELECT 1 FROM leaderboard_metrics m WHERE m.generation = g.id) AS lost
        FROM leaderboard_generations g
       WHERE g.computed_at IS NOT NULL
       ORDER BY g.id DESC
       LIMIT 1`);
    const r = rows[0];
    return r ? { id: Number(r.id), ageSeconds: r.age, lost: r.lost } : null;
  }

  private async run(runner: QueryRunner, opts: ComputeOptions): Promise<ComputedGeneration> {
    const started = Date.now();
    const stages: Record<string, number> = {};
    const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      const out = await fn();
      stages[name] = (stages[name] ?? 0) + Date.now() - t;
      return out;
    };

    await runner.startTransaction('REPEATABLE READ');
    try {
      await runner.query(`SET LOCAL work_mem = '${opts.workMem.replace(/[^0-9A-Za-z]/g, '')}'`);
      await runner.query(`SET LOCAL jit = off`);
      const [row]: Array<{ now: Date; ledger_start: Date | null }> = await runner.query(
        `SELECT now() AS now, (SELECT min(time) FROM fills WHERE time >= ${LEDGER_EPOCH}) AS ledger_start`,
      );
      const t0 = opts.at ?? row.now;
      const times: Times = {
        t0,
        sealed: new Date(t0.getTime() - SEAL_LAG_MINUTES * 60_000),
        s30: new Date(t0.getTime() - 30 * DAY_MS),
        s7: new Date(t0.getTime() - 7 * DAY_MS),
        s1: new Date(t0.getTime() - DAY_MS),
      };
      const ledgerStart = row.ledger_start instanceof Date && row.ledger_start <= t0 ? row.ledger_start : t0;
      const [gen]: Array<{ id: string }> = await runner.query(
        `INSERT INTO leaderboard_generations (started_at) VALUES ($1) RETURNING id`,
        [t0],
      );
      const id = Number(gen.id);

      const ledgerRebuilt = await stage('ledger', () => this.advanceLedger(runner, times));
      await stage('ledger_recent', () => runner.query(this.recentLedgerSql(times)));
      const refreshed = await stage('pnl_account', () => this.sources.refresh(runner, times, ledgerStart));
      await runner.query(`ANALYZE lb_recent`);
      await stage('wide', () => runner.query(this.wideSql(times, ledgerStart, opts)));
      await stage('bounds', () => runner.query(this.boundsSql()));
      await stage('rank', async () => {
        for (const w of WINDOWS) await runner.query(this.rankSql(w, opts.weights));
      });
      await stage('insert', async () => {
        await this.createPartition(runner, id);
        for (const w of WINDOWS) await runner.query(this.insertSql(id, w, opts.weights));
      });
      const [n]: Array<Record<'n_a' | 'n_30' | 'n_7' | 'n_1', string>> = await runner.query(this.countsSql());
      const bounds: Array<{ window: LeaderboardWindow; eligible: number }> = await runner.query(
        `SELECT "window", eligible FROM lb_bounds`,
      );
      const eligible = Object.fromEntries(LEADERBOARD_WINDOWS.map((w) => [w, 0])) as Record<LeaderboardWindow, number>;
      for (const b of bounds) eligible[b.window] = b.eligible;
      const count = Number(n.n_a);
      const rows = count + Number(n.n_30) + Number(n.n_7) + Number(n.n_1);
      // The parent's indexes, built on the new table first so that ATTACH only links them.
      await stage('index', async () => {
        await runner.query(`CREATE INDEX ON leaderboard_metrics_g${id} (trader_id)`);
        await runner.query(`CREATE INDEX ON leaderboard_metrics_g${id} (score_rank) WHERE score_rank IS NOT NULL`);
      });
      // ATTACH alone takes a lock readers do not wait for, so a reader could plan with the old
      // partition list yet read the new generation row (an empty board). Holding ACCESS
      // EXCLUSIVE from here to the commit (milliseconds) makes readers see both or neither.
      await stage('attach', async () => {
        await runner.query(`SET LOCAL lock_timeout = '10s'`);
        await runner.query(`LOCK TABLE leaderboard_metrics IN ACCESS EXCLUSIVE MODE`);
        await runner.query(`ALTER TABLE leaderboard_metrics ATTACH PARTITION leaderboard_metrics_g${id} FOR VALUES IN (${id})`);
      });
      const [done]: Array<{ computed_at: Date }> = await runner.query(
        `WITH u AS (
           UPDATE leaderboard_generations
              SET computed_at = clock_timestamp(), trader_count = $2, eligible_counts = $3::jsonb, duration_ms = $4
            WHERE id = $1
           RETURNING computed_at
         ) SELECT computed_at FROM u`,
        [id, count, JSON.stringify(eligible), Date.now() - started],
      );
      await runner.commitTransaction();
      return {
        id,
        startedAt: t0,
        computedAt: done.computed_at,
        count,
        eligible,
        rows,
        ledgerRebuilt,
        sources: refreshed,
        durationMs: Date.now() - started,
        stages,
      };
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Brings the per-address ledger totals to the new marks: everything up to `sealed` (t0 −
   * SEAL_LAG) and, per window, everything up to its start. Incrementally when the ledger below the
   * old marks still holds exactly the rows counted last time (one index-only count); otherwise
   * (first run, a late insert, a deletion, a clock going backwards) from scratch. Returns whether
   * it rebuilt.
   */
  private async advanceLedger(runner: QueryRunner, times: Times): Promise<boolean> {
    const [marks]: Marks[] = await runner.query(`SELECT * FROM leaderboard_ledger_marks WHERE id = 1`);
    let incremental = false;
    if (marks && times.sealed >= marks.sealed_until && times.s1 >= marks.p1) {
      const [c]: Array<{ c1: string; c7: string; c30: string; cs: string }> = await runner.query(
        `SELECT count(*) FILTER (WHERE time <= $1) AS c1, count(*) FILTER (WHERE time <= $2) AS c7,
                count(*) FILTER (WHERE time <= $3) AS c30, count(*) AS cs
           FROM fills WHERE time <= $4`,
        [marks.p1, marks.p7, marks.p30, marks.sealed_until],
      );
      incremental =
        c.c1 === String(marks.fills_p1) &&
        c.c7 === String(marks.fills_p7) &&
        c.c30 === String(marks.fills_p30) &&
        c.cs === String(marks.fills_sealed);
      if (!incremental) {
        this.logger.warn({ msg: 'ledger changed below the sealed marks: rebuilding the ledger totals', counted: c, marks });
      }
    }
    // Each fill's regions: the sealed total and the prefix before each window start it falls in.
    const regions = incremental
      ? {
          all: `time > ${lit(marks.sealed_until)} AND time <= ${lit(times.sealed)}`,
          p30: `time > ${lit(marks.p30)} AND time <= ${lit(times.s30)}`,
          p7: `time > ${lit(marks.p7)} AND time <= ${lit(times.s7)}`,
          p1: `time > ${lit(marks.p1)} AND time <= ${lit(times.s1)}`,
        }
      : {
          all: `time <= ${lit(times.sealed)}`,
          p30: `time <= ${lit(times.s30)}`,
          p7: `time <= ${lit(times.s7)}`,
          p1: `time <= ${lit(times.s1)}`,
        };
    const anyRegion = `(${regions.all}) OR (${regions.p30}) OR (${regions.p7}) OR (${regions.p1})`;
    if (!incremental) await runner.query(`TRUNCATE leaderboard_ledger_totals`);
    await runner.query(`
      INSERT INTO leaderboard_ledger_totals AS t (address, n_all, v_all, n_p30, v_p30, n_p7, v_p7, n_p1, v_p1, first_at)
      SELECT address,
             count(*) FILTER (WHERE r_all), coalesce(sum(notional) FILTER (WHERE r_all), 0),
             count(*) FILTER (WHERE r_30), coalesce(sum(notional) FILTER (WHERE r_30), 0),
             count(*) FILTER (WHERE r_7), coalesce(sum(notional) FILTER (WHERE r_7), 0),
             count(*) FILTER (WHERE r_1), coalesce(sum(notional) FILTER (WHERE r_1), 0),
             min(time) FILTER (WHERE r_all)
        FROM (SELECT p.address, f.time, ${saneNotional('f.px', 'f.sz')} AS notional,
                     (${regions.all}) AS r_all, (${regions.p30}) AS r_30, (${regions.p7}) AS r_7, (${regions.p1}) AS r_1
                FROM (SELECT * FROM fills WHERE ${anyRegion}) f
               CROSS JOIN LATERAL (VALUES (f.buyer, TRUE), (f.seller, FALSE)) p(address, is_buyer)
               WHERE p.is_buyer OR f.seller <> f.buyer
              OFFSET 0) x
       GROUP BY address
      ON CONFLICT (address) DO UPDATE SET
        n_all = t.n_all + EXCLUDED.n_all, v_all = t.v_all + EXCLUDED.v_all,
        n_p30 = t.n_p30 + EXCLUDED.n_p30, v_p30 = t.v_p30 + EXCLUDED.v_p30,
        n_p7 = t.n_p7 + EXCLUDED.n_p7, v_p7 = t.v_p7 + EXCLUDED.v_p7,
        n_p1 = t.n_p1 + EXCLUDED.n_p1, v_p1 = t.v_p1 + EXCLUDED.v_p1,
        first_at = LEAST(t.first_at, EXCLUDED.first_at)`);
    const [added]: Array<{ a: string; a30: string; a7: string; a1: string }> = await runner.query(`
      SELECT count(*) FILTER (WHERE ${regions.all}) AS a, count(*) FILTER (WHERE ${regions.p30}) AS a30,
             count(*) FILTER (WHERE ${regions.p7}) AS a7, count(*) FILTER (WHERE ${regions.p1}) AS a1
        FROM fills WHERE ${anyRegion}`);
    const base = incremental ? marks : null;
    await runner.query(
      `INSERT INTO leaderboard_ledger_marks AS m
         (id, sealed_until, p30, p7, p1, fills_sealed, fills_p30, fills_p7, fills_p1, rebuilt_at, updated_at)
       VALUES (1, $1, $2, $3, $4, $5::bigint, $6::bigint, $7::bigint, $8::bigint, now(), now())
       ON CONFLICT (id) DO UPDATE SET
         sealed_until = EXCLUDED.sealed_until, p30 = EXCLUDED.p30, p7 = EXCLUDED.p7, p1 = EXCLUDED.p1,
         fills_sealed = EXCLUDED.fills_sealed, fills_p30 = EXCLUDED.fills_p30, fills_p7 = EXCLUDED.fills_p7,
         fills_p1 = EXCLUDED.fills_p1, updated_at = now(),
         rebuilt_at = CASE WHEN $9::boolean THEN m.rebuilt_at ELSE now() END`,
      [
        times.sealed,
        times.s30,
        times.s7,
        times.s1,
        String(BigInt(base?.fills_sealed ?? 0) + BigInt(added.a)),
        String(BigInt(base?.fills_p30 ?? 0) + BigInt(added.a30)),
        String(BigInt(base?.fills_p7 ?? 0) + BigInt(added.a7)),
        String(BigInt(base?.fills_p1 ?? 0) + BigInt(added.a1)),
        incremental,
      ],
    );
    return !incremental;
  }

  /** The unsealed tail of the ledger (after t0 − SEAL_LAG), read raw: inside every window. */
  private recentLedgerSql(times: Times): string {
    return `
      CREATE TEMP TABLE lb_recent ON COMMIT DROP AS
      SELECT p.address, count(*)::int AS n, sum(${saneNotional('f.px', 'f.sz')}) AS v, min(f.time) AS first_at
        FROM fills f
       CROSS JOIN LATERAL (VALUES (f.buyer, TRUE), (f.seller, FALSE)) p(address, is_buyer)
       WHERE f.time > ${lit(times.sealed)} AND f.time <= ${lit(times.t0)}
         AND (p.is_buyer OR f.seller <> f.buyer)
       GROUP BY p.address`;
  }

  /**
   * Every metric of every trader for the four windows, one wide row per trader (each window's
   * values in its own columns), so per-trader work is done once and the rows are unpivoted by
   * plain projection afterwards.
   */
  private wideSql(times: Times, ledgerStart: Date, opts: ComputeOptions): string {
    const t0 = lit(times.t0);
    const ls = lit(ledgerStart);
    const start: Record<string, string> = { '1': lit(times.s1), '7': lit(times.s7), '30': lit(times.s30), a: `'-infinity'::timestamptz` };
    const cols = WINDOWS.map(({ name, s }) => {
      const all = name === 'all';
      const trades = `(${all ? 'coalesce(l.n_all, 0)' : `coalesce(l.n_all - l.n_p${s}, 0)`} + coalesce(r.n, 0) + coalesce(p.xn_${s}, 0))`;
      const points = all ? 'a.trader_id IS NOT NULL' : `coalesce(a.last_t > ${start[s]}, false)`;
      const volume = `(${all ? 'coalesce(l.v_all, 0)' : `coalesce(l.v_all - l.v_p${s}, 0)`} + coalesce(r.v, 0) + coalesce(p.xv_${s}, 0))`;
      return [
        `${trades}::int AS tr_${s}`,
        `${volume} AS vol_${s}`,
        `CASE WHEN h.has_pnl THEN coalesce(p.pnl_${s}, 0) END AS pnl_${s}`,
        `CASE WHEN p.dec_${s} > 0 THEN p.wins_${s}::float8 / p.dec_${s} END AS wr_${s}`,
        `CASE WHEN p.gl_${s} < 0 THEN p.gp_${s}::float8 / -p.gl_${s}::float8 END AS pf_${s}`,
        `CASE WHEN h.has_pnl THEN coalesce(p.mp_${s}, 0) END AS mp_${s}`,
        `CASE WHEN h.has_pnl THEN coalesce(p.ml_${s}, 0) END AS ml_${s}`,
        `CASE WHEN h.has_pnl AND a.start_${s} > 0 THEN coalesce(p.pnl_${s}, 0)::float8 / a.start_${s} END AS roi_${s}`,
        `a.dd_${s} AS dd_${s}`,
        `a.risk_${s} AS risk_${s}`,
        all ? `TRUE AS ac_${s}` : `(${trades} > 0 OR coalesce(p.nf_${s}, 0) > 0 OR ${points}) AS ac_${s}`,
        `(${trades} >= ${Math.floor(opts.minTrades)} AND ${volume} >= ${num(opts.minVolumeUsd)}::numeric) AS el_${s}`,
        `(${s === 'a' ? ls : start[s]} >= ${ls} OR coalesce(e.fills_since <= ${start[s]} AND e.fills_until >= ${ls}, false)) AS cv_${s}`,
        `coalesce(e.fills_since <= ${start[s]} AND e.fills_until >= coalesce(t.last_seen_trading_at, '-infinity'), false) AS cp_${s}`,
        all ? `e.portfolio_at IS NOT NULL AS ca_${s}` : `coalesce(a.first_t <= ${start[s]}, false) AS ca_${s}`,
        all
          ? `coalesce(a.first_snap_at <= least(l.first_at, r.first_at, p.first_at), false) AS cr_${s}`
          : `coalesce(a.first_snap_at <= ${start[s]}, false) AS cr_${s}`,
      ].join(',\n             ');
    }).join(',\n             ');
    return `
      CREATE TEMP TABLE lb_wide ON COMMIT DROP AS
      SELECT t.id AS trader_id, t.address,
             coalesce(a.latest_av::numeric, t.account_value) AS account_value_usd,
             greatest(0, floor(extract(epoch FROM (${t0} - coalesce(least(l.first_at, r.first_at, p.first_at), t.first_seen_at))) / 86400))::int
               AS age,
             coalesce(e.fills_since = '-infinity', false) AS cov_age,
             ${cols}
        FROM traders t
        LEFT JOIN leaderboard_ledger_totals l ON l.address = t.address
        LEFT JOIN lb_recent r ON r.address = t.address
        LEFT JOIN leaderboard_pnl_cache p ON p.trader_id = t.id
        LEFT JOIN leaderboard_account_cache a ON a.trader_id = t.id
        LEFT JOIN trader_enrichment e ON e.trader_id = t.id
       CROSS JOIN LATERAL (SELECT p.trader_id IS NOT NULL OR e.fills_until IS NOT NULL AS has_pnl) h
       WHERE ${opts.includeVaults ? 'TRUE' : 'NOT t.is_vault'}`;
  }

  /** The score's clip bounds per window: p5 and p95 of each scored metric over the eligible. */
  private boundsSql(): string {
    const pct = (expr: string, name: string) =>
      `percentile_cont(ARRAY[${SCORE_CLIP_LOW}, ${SCORE_CLIP_HIGH}]::float8[]) WITHIN GROUP (ORDER BY ${expr}) AS ${name}`;
    const parts = WINDOWS.map(
      ({ name, s }) => `
      SELECT '${name}'::varchar AS "window", count(*)::int AS eligible,
             ${pct(`wr_${s}`, 'wr')}, ${pct(`vol_${s}::float8`, 'vol')}, ${pct(`dd_${s}`, 'dd')},
             ${pct(`risk_${s}`, 'risk')}, ${pct(`mp_${s}::float8`, 'mp')}
        FROM lb_wide WHERE el_${s}`,
    );
    return `CREATE TEMP TABLE lb_bounds ON COMMIT DROP AS ${parts.join('\n      UNION ALL')}`;
  }

  /** The score of window `s` of an lb_wide row `w` against lb_bounds row `b` (see score.ts). */
  private scoreExpr(s: string, weights: LeaderboardWeights): string {
    const norm = (x: string, b: string) =>
      `CASE WHEN ${x} IS NULL OR b.${b}[1] IS NULL THEN NULL
            WHEN b.${b}[2] > b.${b}[1] THEN (least(greatest(${x}, b.${b}[1]), b.${b}[2]) - b.${b}[1]) / (b.${b}[2] - b.${b}[1])
            WHEN ${x} > b.${b}[2] THEN 1.0::float8 WHEN ${x} < b.${b}[1] THEN 0.0::float8 ELSE 0.5::float8 END`;
    const total = weights.win_rate + weights.total_volume_usd + weights.max_drawdown + weights.avg_risk_ratio + weights.max_profit_usd;
    if (!(total > 0)) return '0::float8';
    return `(${num(weights.win_rate)} * coalesce(${norm(`w.wr_${s}`, 'wr')}, 0)
           + ${num(weights.total_volume_usd)} * coalesce(${norm(`w.vol_${s}::float8`, 'vol')}, 0)
           + ${num(weights.max_drawdown)} * coalesce(1 - ${norm(`w.dd_${s}`, 'dd')}, 0)
           + ${num(weights.avg_risk_ratio)} * coalesce(1 - ${norm(`w.risk_${s}`, 'risk')}, 0)
           + ${num(weights.max_profit_usd)} * coalesce(${norm(`w.mp_${s}::float8`, 'mp')}, 0)) / ${num(total)}`;
  }

  /** Scores and ranks the eligible of one window (a narrow sort: trader id and score only). */
  private rankSql(win: WindowSql, weights: LeaderboardWeights): string {
    return `
      CREATE TEMP TABLE lb_rank_${win.s} ON COMMIT DROP AS
      SELECT trader_id, score, row_number() OVER (ORDER BY score DESC, trader_id ASC)::int AS rnk
        FROM (SELECT w.trader_id, ${this.scoreExpr(win.s, weights)} AS score
                FROM lb_wide w
                JOIN lb_bounds b ON b."window" = '${win.name}'
               WHERE w.el_${win.s}
              OFFSET 0) x`;
  }

  /** Writes one window's rows straight into its leaf table. */
  private insertSql(id: number, win: WindowSql, weights: LeaderboardWeights): string {
    const s = win.s;
    return `
      INSERT INTO leaderboard_metrics_g${id}_${win.name} (
        generation, "window", trader_id, address, eligible, score_rank, trader_score, account_age_days,
        total_volume_usd, trades_count, win_rate, avg_risk_ratio, max_drawdown, max_profit_usd, max_loss_usd,
        realized_pnl_usd, account_value_usd, roi, profit_factor,
        cov_volume, cov_pnl, cov_account, cov_risk, cov_age)
      SELECT ${id}, '${win.name}', w.trader_id, w.address, w.el_${s}, k.rnk,
             CASE WHEN k.trader_id IS NOT NULL THEN k.score ELSE ${this.scoreExpr(s, weights)} END,
             w.age, w.vol_${s}, w.tr_${s}, w.wr_${s}, w.risk_${s}, w.dd_${s}, w.mp_${s}, w.ml_${s},
             w.pnl_${s}, w.account_value_usd, w.roi_${s}, w.pf_${s},
             w.cv_${s}, w.cp_${s}, w.ca_${s}, w.cr_${s}, w.cov_age
        FROM lb_wide w
        LEFT JOIN lb_bounds b ON b."window" = '${win.name}'
        LEFT JOIN lb_rank_${s} k ON k.trader_id = w.trader_id
       WHERE w.ac_${s}`;
  }

  private async createPartition(runner: QueryRunner, id: number): Promise<void> {
    await runner.query(`
      CREATE TABLE leaderboard_metrics_g${id}
        (LIKE leaderboard_metrics INCLUDING DEFAULTS INCLUDING CONSTRAINTS, CHECK (generation = ${id}))
        PARTITION BY LIST ("window")`);
    for (const w of LEADERBOARD_WINDOWS) {
      await runner.query(
        `CREATE UNLOGGED TABLE leaderboard_metrics_g${id}_${w} PARTITION OF leaderboard_metrics_g${id} FOR VALUES IN ('${w}')`,
      );
    }
  }

  /** Rows per window (every trader in `all`, the active ones in the others). */
  private countsSql(): string {
    return `
      SELECT count(*) AS n_a, count(*) FILTER (WHERE ac_30) AS n_30,
             count(*) FILTER (WHERE ac_7) AS n_7, count(*) FILTER (WHERE ac_1) AS n_1
        FROM lb_wide`;
  }

  /**
   * Keeps the newest GENERATIONS_KEPT finished generations: older partitions are detached
   * CONCURRENTLY (readers are never blocked) and dropped, and their generation rows deleted.
   */
  private async dropOldGenerations(runner: QueryRunner): Promise<void> {
    const keep: Array<{ id: string }> = await runner.query(
      `SELECT id FROM leaderboard_generations WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT $1`,
      [GENERATIONS_KEPT],
    );
    const kept = new Set(keep.map((k) => Number(k.id)));
    const tables: Array<{ relname: string; gen: string; attached: boolean; pending: boolean | null }> = await runner.query(`
      SELECT c.relname, substring(c.relname FROM '^leaderboard_metrics_g(\\d+)$') AS gen,
             i.inhrelid IS NOT NULL AS attached, i.inhdetachpending AS pending
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
       WHERE c.relname ~ '^leaderboard_metrics_g\\d+$'`);
    for (const t of tables) {
      if (kept.has(Number(t.gen))) continue;
      if (t.attached) {
        const mode = t.pending ? 'FINALIZE' : 'CONCURRENTLY';
        await runner.query(`ALTER TABLE leaderboard_metrics DETACH PARTITION ${t.relname} ${mode}`);
      }
      await runner.query(`DROP TABLE IF EXISTS ${t.relname}`);
    }
    if (kept.size > 0) {
      await runner.query(
        `WITH gone AS (DELETE FROM leaderboard_generations WHERE id < $1 RETURNING 1) SELECT count(*) FROM gone`,
        [Math.min(...kept)],
      );
    }
  }
}
