/**
 * Leaderboard recompute time and memory at 10k / 100k / 1M traders.
 *
 *   npm run bench:leaderboard [-- --sizes 10000,100000,1000000 --runs 3 --work-mem 256MB --keep]
 *   npm run bench:leaderboard -- --db <kept database> [--runs 3]     (reuse a dataset kept with --keep)
 *   npm run build && npm run bench:leaderboard -- --simulate-only     (just the backtest route, below)
 *
 * For each size: a fresh database (migrated with the real migrations), a synthetic dataset
 * generated inside PostgreSQL (bench/leaderboard-data.ts: heavy-tailed activity, 10 fills per
 * trader in the ledger, per-trade PnL for the most active 5 %, snapshots for half the traders),
 * then `--runs` recomputes through the production code (LeaderboardComputeRepository), each a new
 * generation. Run 1 is the cold start (the ledger totals are built from the whole ledger); before
 * each later run, ten minutes of new trades (at the dataset's average rate) are appended and the
 * clock moves ten minutes on: the steady state of a worker every LEADERBOARD_INTERVAL_SECONDS.
 * Prints per run: wall time, per-stage times, rows written, and memory: this
 * process's peak RSS, and PostgreSQL's peak private memory (RssAnon, i.e. without the shared
 * buffers) per backend and summed over its processes (parallel workers included), sampled every
 * 50 ms from /proc when PostgreSQL runs on this machine, plus the temp-file bytes it spilled; and
 * the CPU time PostgreSQL spent on the run (wall time depends on what else the machine runs).
 * Then the backtest route (bench/copy-simulate.ts: `POST /api/v1/copy/simulate` of a leader with
 * 10,000 fills through `node dist/main.js`, so it needs `npm run build`): `FIGURE copy_simulate_ms`
 * (`--no-simulate` skips it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DEFAULT_LEADERBOARD_WEIGHTS } from '../src/config/env.schema';
import { dataSourceOptions } from '../src/database/data-source.options';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { LeaderboardComputeRepository } from '../src/leaderboard/leaderboard-compute.repository';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from '../src/leaderboard/leaderboard-fields';
import { benchCopySimulate } from './copy-simulate';
import { appendTrades, DatasetShape, generateDataset } from './leaderboard-data';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sizes = arg('sizes', '10000,100000,1000000').split(',').map((s) => Number(s.replace(/_/g, '')));
const runs = Number(arg('runs', '3'));
const reuse = arg('db', '');
const workMem = arg('work-mem', '512MB');
const keep = process.argv.includes('--keep');

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/**
 * PostgreSQL's side of a run, sampled from /proc every 50 ms (when it runs on this machine): peak
 * private memory (RssAnon: without the shared buffers) of one process and of all its processes,
 * and the CPU time spent by the backends of the bench database and their parallel workers (a
 * measure that, unlike wall time, does not grow when other work shares the machine).
 */
class PostgresSampler {
  peakProcess = 0;
  peakTotal = 0;
  private readonly cpuStart = new Map<number, number>();
  private readonly cpuLast = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly tick = 100; // USER_HZ on Linux

  constructor(private readonly database: string) {}

  start(): void {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample(false);
  }

  /** CPU seconds used by the database's backends (and their parallel workers) since start(). */
  get cpuSeconds(): number {
    let ticks = 0;
    for (const [pid, last] of this.cpuLast) ticks += last - (this.cpuStart.get(pid) ?? 0);
    return ticks / this.tick;
  }

  private sample(baseline: boolean): void {
    let total = 0;
    let entries: string[];
    try {
      entries = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    const ours = new Set<string>();
    const workers: Array<{ pid: number; leader: string; cpu: number }> = [];
    for (const pid of entries) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        if (!/^Name:\s+postgres$/m.test(status)) continue;
        const anon = Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
        total += anon;
        if (anon > this.peakProcess) this.peakProcess = anon;
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        const cpu = Number(stat[11]) + Number(stat[12]);
        if (cmd.includes(` ${this.database} `)) {
          ours.add(pid);
          this.record(Number(pid), cpu, baseline);
        } else {
          const leader = /parallel worker for PID (\d+)/.exec(cmd)?.[1];
          if (leader) workers.push({ pid: Number(pid), leader, cpu });
        }
      } catch {
        // process went away
      }
    }
    for (const w of workers) if (ours.has(w.leader)) this.record(w.pid, w.cpu, baseline);
    if (total > this.peakTotal) this.peakTotal = total;
  }

  private record(pid: number, cpu: number, baseline: boolean): void {
    if (baseline) this.cpuStart.set(pid, cpu);
    this.cpuLast.set(pid, Math.max(cpu, this.cpuLast.get(pid) ?? 0));
  }
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function benchSize(n: number): Promise<void> {
  const name = reuse || `ts_bench_lb_${n}_${Date.now()}`;
  if (!reuse) await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = dbUrl(name);
  const silent = { log: () => undefined, warn: () => undefined, error: () => undefined } as never;
  try {
    await runMigrationsWithLock(url, silent);
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined); // the final DROP … WITH (FORCE) ends it
    await client.connect();
    let at = new Date();
    const genStarted = Date.now();
    let shape: DatasetShape;
    if (reuse) {
      const { rows } = await client.query<{ n: string; f: string; tf: string; avp: string; pp: string; at: Date | null }>(
        `SELECT (SELECT count(*) FROM traders) AS n, (SELECT count(*) FROM fills) AS f, (SELECT count(*) FROM trader_fills) AS tf,
                (SELECT count(*) FROM account_value_points) AS avp, (SELECT count(*) FROM trader_portfolio_points) AS pp,
                (SELECT max(started_at) FROM leaderboard_generations) AS at`,
      );
      shape = { traders: Number(rows[0].n), fills: Number(rows[0].f), traderFills: Number(rows[0].tf), accountPoints: Number(rows[0].avp), portfolioPoints: Number(rows[0].pp) };
      if (rows[0].at) at = new Date(rows[0].at.getTime() + 600_000);
      console.log(`\n=== ${shape.traders.toLocaleString('en-US')} traders (database ${name}) ===`);
    } else {
      console.log(`\n=== ${n.toLocaleString('en-US')} traders ===`);
      shape = await generateDataset(client, n, at, (m) => console.log(m));
    }
    console.log(
      `dataset: ${shape.fills.toLocaleString('en-US')} ledger fills, ${shape.traderFills.toLocaleString('en-US')} trader_fills, ` +
        `${shape.accountPoints.toLocaleString('en-US')} account points, ${shape.portfolioPoints.toLocaleString('en-US')} portfolio points ` +
        `(generated in ${((Date.now() - genStarted) / 1000).toFixed(0)} s)`,
    );
    const ds = new DataSource(dataSourceOptions(url, { extra: { max: 4 } }));
    await ds.initialize();
    const repo = new LeaderboardComputeRepository(ds);
    const fillsPerTenMinutes = Math.round(shape.fills / (45 * 144));
    for (let r = 1; r <= runs; r++) {
      if (r > 1) {
        await appendTrades(client, shape.traders, at, fillsPerTenMinutes);
        at = new Date(at.getTime() + 600_000);
      }
      const tempBefore = await tempBytes(client, name);
      const pg = new PostgresSampler(name);
      let nodePeak = process.memoryUsage().rss;
      const nodeTimer = setInterval(() => (nodePeak = Math.max(nodePeak, process.memoryUsage().rss)), 50);
      pg.start();
      const started = Date.now();
      const result = await repo.compute({
        at,
        weights: { ...DEFAULT_LEADERBOARD_WEIGHTS },
        includeVaults: false,
        minTrades: DEFAULT_MIN_TRADES,
        minVolumeUsd: DEFAULT_MIN_VOLUME_USD,
        workMem,
      });
      const wall = Date.now() - started;
      pg.stop();
      clearInterval(nodeTimer);
      if (!result) throw new Error('the leaderboard lock was taken');
      const spilled = (await tempBytes(client, name)) - tempBefore;
      const stageList = Object.entries(result.stages)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`)
        .join(', ');
      console.log(
        `run ${r}${r === 1 ? (reuse ? '' : ' (cold start)') : ` (+${fillsPerTenMinutes} trades, 10 min later)`}: ${(wall / 1000).toFixed(2)} s wall ` +
          `(incl. cleanup; ledger ${result.ledgerRebuilt ? 'rebuilt' : 'incremental'}; PnL/account recomputed for ` +
          `${result.sources.pnl.full ? 'all' : result.sources.pnl.recomputed.toLocaleString('en-US')} / ` +
          `${result.sources.account.full ? 'all' : result.sources.account.recomputed.toLocaleString('en-US')} traders), ` +
          `${result.rows.toLocaleString('en-US')} rows, ` +
          `${result.count.toLocaleString('en-US')} traders, eligible ${JSON.stringify(result.eligible)}`,
      );
      console.log(`  stages (s): ${stageList}`);
      console.log(`  PostgreSQL CPU: ${pg.cpuSeconds.toFixed(1)} s (backends of this database and their parallel workers)`);
      console.log(
        `  memory: node peak RSS ${mb(nodePeak)}; postgres peak private RSS ${mb(pg.peakProcess)} in one process, ` +
          `${mb(pg.peakTotal)} over all its processes; temp files ${mb(spilled)}; work_mem ${workMem}`,
      );
    }
    await ds.destroy();
    await client.end();
  } finally {
    if (!keep && !reuse) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    else console.log(`kept database ${name}`);
  }
}

async function tempBytes(client: Client, db: string): Promise<number> {
  const { rows } = await client.query<{ b: string }>(`SELECT temp_bytes AS b FROM pg_stat_database WHERE datname = $1`, [db]);
  return Number(rows[0]?.b ?? 0);
}

async function main(): Promise<void> {
  const { rows } = await admin((c) =>
    c.query<{ v: string; sb: string; par: string }>(
      `SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb,
              current_setting('max_parallel_workers_per_gather') AS par`,
    ),
  );
  console.log(
    `PostgreSQL ${rows[0].v}, shared_buffers ${rows[0].sb}, max_parallel_workers_per_gather ${rows[0].par}; ` +
      `node ${process.version}; ${require('node:os').cpus().length} CPUs`,
  );
  if (!process.argv.includes('--simulate-only')) for (const n of reuse ? [0] : sizes) await benchSize(n);
  if (!process.argv.includes('--no-simulate')) await benchCopySimulate(ADMIN_URL);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
