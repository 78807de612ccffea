/**
 * Soak: a simulated exchange day at real-exchange rates, compressed, with every role running.
 *
 *   npm run build && npm run bench:soak [-- --minutes 30 --day-minutes 30 --trades-per-day 2500000
 *     --traders 100000 --sample-seconds 30 --leaderboard-interval 600 --tracking-interval 75 --retention-days 30]
 *
 * The rate: Hyperliquid's public trade stream prints a few million trades a day; 2,500,000 a day
 * compressed into `--day-minutes` (30) is 1,389 trades/s (48 × real time). `--minutes` (default:
 * the whole day, 30) is how long the run lasts at that rate, so `--minutes 5` covers a sixth of
 * the simulated day at the same rate.
 *
 * Processes (each its own, on database `bench_soak` and Redis logical database 13): the simulator
 * (`--traders` 100,000 + 3 market makers + 2 vaults, the production 1,200 weight/min), `ROLE=discovery`,
 * one `ROLE=worker` (tracking, live engine, leaderboard, ledger partitions) and `ROLE=api`. The
 * simulator's accounts are registered in `traders` first with their roles known (as the exchange's
 * leaderboard file and the vault checks would have done), so discovery finds them already there.
 *
 * Every `--sample-seconds` (30): RSS of each role (/proc/<pid>/status VmRSS), Redis used_memory,
 * the database's tables (pg_total_relation_size summed over each partitioned table's partitions).
 * Printed: `FIGURE soak_rss_mb_<role>_{start,middle,end}` (start = first sample after the warm-up,
 * max(60 s, 10 % of the run); end = the last sample) and the least-squares slope after the warm-up
 * (MB/hour: flat means the role does not grow with the day).
 * Disk: the growth of each table from the end of the warm-up to the end (after the drain),
 * scaled to a day by trades (`--trades-per-day` / trades stored meanwhile): `FIGURE disk_per_day_mb`.
 * A year: the raw ledger (`fills`, `trader_fills`, `trade_events`, day partitions) is kept
 * `--retention-days` (RETENTION_DAYS_FILLS / RETENTION_DAYS_EVENTS, 30) + today; tables bounded
 * by the traders or the 3 kept leaderboard generations (BOUNDED) count at their size at the end;
 * every other table grows by its per-day rate for 365 days: `FIGURE disk_year_projection_gb`.
 * Cadence (every 5 s from the worker's /metrics and the database): leaderboard generations
 * finished and the longest gap between two (`FIGURE leaderboard_generations`,
 * `FIGURE leaderboard_max_gap_s`, allowed: LEADERBOARD_INTERVAL_SECONDS + the run's duration + the
 * 2 s poll), tracking rounds (`tracking_last_tick_timestamp_seconds`) on time
 * (`FIGURE tracking_rounds_on_time_share`: gaps within 10 % of TRACKING_INTERVAL_SECONDS), snapshots
 * per minute against the budget, the fast path's trade → snapshot p50/p99, 429s from the simulator,
 * and `GET /api/v1/leaderboard` latency each sample.
 * Hard stop: `--minutes` + 8 minutes. Environment: see bench/support (BENCH_APP_ROOT,
 * TEST_PG_ADMIN_URL, TEST_REDIS_URL).
 */
import { loadavg } from 'os';
import { Client } from 'pg';
import { benchRedis, createBenchDatabase } from './support/infra';
import { registerTraders } from './support/events';
import { bucketDelta, buckets, histogramQuantile, metric, parseMetrics, Sample } from './support/metrics';
import { AppProcess, deadline, procSample, sleep, startApp, startSimulator, warningsLine } from './support/processes';
import { fmt, log, machineLine, printTable } from './support/report';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

const DAY_MINUTES = Number(arg('day-minutes', '30'));
const MINUTES = Number(arg('minutes', String(DAY_MINUTES)));
const TRADES_PER_DAY = Number(arg('trades-per-day', '2500000'));
const TRADERS = Number(arg('traders', '100000'));
const SAMPLE_S = Number(arg('sample-seconds', '30'));
const LEADERBOARD_INTERVAL_S = Number(arg('leaderboard-interval', '600'));
const TRACKING_INTERVAL_S = Number(arg('tracking-interval', '75'));
const RETENTION_DAYS = Number(arg('retention-days', '30'));
const BUDGET = 1200;
const CADENCE_MS = 5000;
const REDIS_DB = 13;
const RATE = Math.round(TRADES_PER_DAY / (DAY_MINUTES * 60));
const WARMUP_S = Math.max(60, MINUTES * 6);
/** The raw ledger: day partitions, dropped past the retention. */
const LEDGER = new Set(['fills', 'trader_fills', 'trade_events']);
/**
 * Bounded by the number of traders (a row or a few per trader) or by the leaderboard's 3 kept
 * generations: they stop growing once every trader is known, so they are not extrapolated by day.
 * Every other table (snapshots history, account values, portfolios, dead letters, rollups, …) is
 * taken to grow by day for the whole year.
 */
const BOUNDED = new Set([
  'traders', 'trader_positions', 'live_baselines', 'stream_checkpoints', 'address_roles', 'migrations',
  'leaderboard_generations', 'leaderboard_metrics', 'leaderboard_ledger_totals', 'leaderboard_ledger_marks',
  'leaderboard_source_marks', 'leaderboard_dirty', 'trader_enrichment', 'trader_risk', 'trader_risk_state',
  'exchange_board_rows', 'copy_followers', 'copy_follows', 'copy_control', 'copy_positions',
  'leaderboard_pnl_cache', 'leaderboard_account_cache',
]);
const kindOf = (table: string): 'ledger' | 'bounded' | 'year' => (LEDGER.has(table) ? 'ledger' : BOUNDED.has(table) ? 'bounded' : 'year');

interface RssSample {
  at: number;
  rss: Record<string, number>;
}

async function tableSizes(pg: Client): Promise<Map<string, number>> {
  const { rows } = await pg.query<{ name: string; bytes: string }>(
    // A partitioned table's own size is 0: its partitions' are summed (pg_partition_tree lists none for a plain table).
    `SELECT c.relname AS name,
            (CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)
                  ELSE pg_total_relation_size(c.oid) END)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}

const MB = 1024 * 1024;
const sum = (m: Map<string, number>, pick: (name: string) => boolean): number => [...m].filter(([n]) => pick(n)).reduce((a, [, b]) => a + b, 0);

/** Least-squares slope of (seconds, MB) points, MB per hour. */
function slopePerHour(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

async function main(): Promise<void> {
  deadline((MINUTES + 8) * 60_000, 'bench:soak');
  console.log(`soak bench: ${machineLine()}`);
  const db = await createBenchDatabase('soak');
  const bench = await benchRedis(REDIS_DB);
  const { url: redisUrl, redis } = bench;
  const simStarted = Date.now();
  const sim = await startSimulator({ traders: TRADERS, seed: 1 });
  const roles: AppProcess[] = [];
  const pg = await db.client();
  try {
    const accounts = await sim.truth();
    const registered = await registerTraders(pg, accounts);
    log(`simulator ${sim.httpUrl}: ${fmt(accounts.length)} accounts (up in ${fmt((Date.now() - simStarted) / 1000, 1)} s), registered (${fmt(registered.trackable)} trackable)`);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: String(BUDGET),
      TRACKING_INTERVAL_SECONDS: String(TRACKING_INTERVAL_S),
      LEADERBOARD_INTERVAL_SECONDS: String(LEADERBOARD_INTERVAL_S),
      RETENTION_DAYS_FILLS: String(RETENTION_DAYS),
      RETENTION_DAYS_EVENTS: String(RETENTION_DAYS),
    };
    const discovery = await startApp('discovery', env);
    roles.push(discovery);
    for (const t0 = Date.now(); metric(parseMetrics(await discovery.metrics()), 'discovery_ws_subscriptions') < 1; await sleep(250)) {
      if (Date.now() - t0 > 30_000) throw new Error(`discovery did not subscribe within 30 s:\n${discovery.output()}`);
    }
    const workerStart = Date.now();
    const worker = await startApp('worker', { ...env, EXCHANGE_LEADERBOARD_URL: `${sim.httpUrl}/Mainnet/leaderboard` });
    const api = await startApp('api', { ...env, THROTTLE_LIMIT_PER_MINUTE: '1000000' });
    roles.push(worker, api);
    await sim.setTradeRate(RATE);
    const runStart = Date.now();
    const runEnd = runStart + MINUTES * 60_000;
    log(
      `${fmt(RATE)} trades/s (${fmt(TRADES_PER_DAY)} a day in ${DAY_MINUTES} min) for ${MINUTES} min; discovery pid ${discovery.pid}, ` +
        `worker pid ${worker.pid}, api pid ${api.pid}; warm-up ${WARMUP_S} s, samples every ${SAMPLE_S} s`,
    );

    // Cadence every 5 s: tracking round ticks, leaderboard generations.
    const ticks = new Set<number>();
    const generations = new Map<number, { startedAt: number; durationMs: number }>();
    const scrapeWorker = async (): Promise<Sample[]> => parseMetrics(await worker.metrics());
    const cadence = async (): Promise<void> => {
      const m = await scrapeWorker();
      const tick = metric(m, 'tracking_last_tick_timestamp_seconds');
      if (tick > 0) ticks.add(Math.round(tick * 1000));
      const { rows } = await pg.query<{ id: string; started: number; duration_ms: number | null }>(
        `SELECT id, extract(epoch FROM started_at) * 1000 AS started, duration_ms FROM leaderboard_generations WHERE computed_at IS NOT NULL`,
      );
      for (const r of rows) generations.set(Number(r.id), { startedAt: Number(r.started), durationMs: r.duration_ms ?? 0 });
    };
    let cadenceBusy = false;
    const cadenceTimer = setInterval(() => {
      if (cadenceBusy) return;
      cadenceBusy = true;
      void cadence()
        .catch(() => undefined)
        .finally(() => (cadenceBusy = false));
    }, CADENCE_MS);

    const rssSamples: RssSample[] = [];
    const apiMs: number[] = [];
    let warm: { sizes: Map<string, number>; stored: number; at: number; w: Sample[]; sim: Awaited<ReturnType<typeof sim.stats>> } | null = null;
    const sampleRss = (): void => {
      const rss: Record<string, number> = {};
      for (const p of roles) rss[p.role] = procSample(p.pid).rssMb;
      rss.simulator = procSample(sim.pid).rssMb;
      rssSamples.push({ at: Date.now(), rss });
    };
    const redisMb = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0) / MB;
    const redisSamples: Array<[number, number]> = [];
    while (Date.now() < runEnd) {
      await sleep(Math.min(SAMPLE_S * 1000, Math.max(0, runEnd - Date.now())));
      sampleRss();
      redisSamples.push([(Date.now() - runStart) / 1000, await redisMb()]);
      const t0 = Date.now();
      const res = await fetch(`${api.url}/api/v1/leaderboard?limit=50`);
      await res.arrayBuffer();
      apiMs.push(Date.now() - t0);
      if (!warm && Date.now() - runStart >= WARMUP_S * 1000) {
        warm = {
          sizes: await tableSizes(pg),
          stored: metric(parseMetrics(await discovery.metrics()), 'discovery_trades_stored_total'),
          at: Date.now(),
          w: await scrapeWorker(),
          sim: await sim.stats(),
        };
      }
      const last = rssSamples[rssSamples.length - 1].rss;
      log(
        `${fmt((Date.now() - runStart) / 1000)} s: RSS ${Object.entries(last).map(([r, v]) => `${r} ${fmt(v)}`).join(', ')} MB; ` +
          `redis ${fmt(redisSamples[redisSamples.length - 1][1])} MB; leaderboard GET ${apiMs[apiMs.length - 1]} ms (${res.status}); load ${loadavg()[0].toFixed(2)}`,
      );
    }
    const wEnd = await scrapeWorker();
    const simEnd = await sim.stats();
    const cadenceEnd = Date.now();
    clearInterval(cadenceTimer);
    await cadence().catch(() => undefined);

    // Drain: the stream stops, discovery stores what it holds.
    await sim.setTradeRate(0);
    const published = simEnd.trades.total;
    for (const t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(500)) {
      const m = parseMetrics(await discovery.metrics());
      if (metric(m, 'discovery_trades_received_total') >= published && metric(m, 'discovery_buffer_depth') === 0) break;
    }
    await sleep(1000);
    const end = parseMetrics(await discovery.metrics());
    const storedEnd = metric(end, 'discovery_trades_stored_total');
    const sizesEnd = await tableSizes(pg);
    const fills = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM fills')).rows[0].n);
    if (!warm) throw new Error(`the run ended inside its warm-up (${WARMUP_S} s): use a longer --minutes`);

    // Memory.
    const after = rssSamples.filter((s) => s.at >= warm!.at - 1000);
    const first = after[0];
    const lastS = after[after.length - 1];
    const mid = after.reduce((best, s) => (Math.abs(s.at - (first.at + lastS.at) / 2) < Math.abs(best.at - (first.at + lastS.at) / 2) ? s : best));
    const roleNames = [...roles.map((r) => r.role), 'simulator'];
    console.log(`\nsoak: ${fmt(TRADERS)} traders, ${fmt(RATE)} trades/s for ${MINUTES} min (${fmt(TRADES_PER_DAY)} a day in ${DAY_MINUTES} min), machine load ${loadavg()[0].toFixed(2)}\n`);
    printTable(
      ['role', 'RSS start MB', 'RSS middle MB', 'RSS end MB', 'max MB', 'slope after warm-up MB/h'],
      roleNames.map((r) => [
        r,
        fmt(first.rss[r]),
        fmt(mid.rss[r]),
        fmt(lastS.rss[r]),
        fmt(Math.max(...rssSamples.map((s) => s.rss[r]))),
        fmt(slopePerHour(after.map((s) => [(s.at - runStart) / 1000, s.rss[r]])), 1),
      ]),
    );
    const redisAfter = redisSamples.filter(([t]) => t * 1000 >= warm!.at - runStart - 1000);
    console.log(
      `redis used_memory: ${fmt(redisAfter[0]?.[1] ?? NaN)} → ${fmt(redisAfter[redisAfter.length - 1]?.[1] ?? NaN)} MB after the warm-up ` +
        `(slope ${fmt(slopePerHour(redisAfter), 1)} MB/h; the trades stream is capped)`,
    );

    // Disk.
    const storedWindow = storedEnd - warm.stored;
    const dayScale = TRADES_PER_DAY / Math.max(1, storedWindow);
    const growth = new Map([...sizesEnd].map(([n, b]) => [n, b - (warm!.sizes.get(n) ?? 0)]));
    const ledgerDay = (sum(growth, (n) => kindOf(n) === 'ledger') * dayScale) / MB;
    const yearDay = (sum(growth, (n) => kindOf(n) === 'year') * dayScale) / MB;
    const boundedEnd = sum(sizesEnd, (n) => kindOf(n) === 'bounded') / MB;
    const yearGb = (ledgerDay * (RETENTION_DAYS + 1) + yearDay * 365 + boundedEnd) / 1024;
    console.log(
      `\ndisk: ${fmt(storedWindow)} trades stored after the warm-up (${((100 * storedWindow) / TRADES_PER_DAY).toFixed(1)} % of a simulated day); ` +
        `growth per table, scaled to a day (× ${dayScale.toFixed(2)}), largest first:`,
    );
    printTable(
      ['table', 'kept', 'size at end MB', 'growth MB', 'per day MB', 'bytes per trade'],
      [...growth]
        .sort((a, b) => b[1] - a[1])
        .filter(([, g], i) => i < 12 || g > 0)
        .map(([n, g]) => [
          n,
          kindOf(n) === 'ledger' ? `${RETENTION_DAYS} d` : kindOf(n) === 'bounded' ? 'bounded' : 'year',
          fmt((sizesEnd.get(n) ?? 0) / MB, 1),
          fmt(g / MB, 1),
          kindOf(n) === 'bounded' ? '–' : fmt((g * dayScale) / MB, 1),
          fmt(g / Math.max(1, storedWindow), 0),
        ]),
    );
    console.log(
      `per simulated day: ledger ${fmt(ledgerDay)} MB (kept ${RETENTION_DAYS} d + today), year-long tables ${fmt(yearDay, 1)} MB; ` +
        `a year: ${fmt((ledgerDay * (RETENTION_DAYS + 1)) / 1024, 2)} GB ledger + ${fmt((yearDay * 365) / 1024, 2)} GB year-long + ` +
        `${fmt(boundedEnd / 1024, 2)} GB bounded (at the end of the run) = ${fmt(yearGb, 1)} GB`,
    );

    // Cadence.
    // From the worker's start (its boot run included) to the end of the run.
    const runGens = [...generations.values()].filter((g) => g.startedAt >= workerStart - 1000).sort((a, b) => a.startedAt - b.startedAt);
    const gaps = runGens.slice(1).map((g, i) => (g.startedAt - runGens[i].startedAt) / 1000);
    const maxGap = gaps.length ? Math.max(...gaps) : NaN;
    const maxDur = runGens.length ? Math.max(...runGens.map((g) => g.durationMs)) / 1000 : NaN;
    const allowedGap = LEADERBOARD_INTERVAL_S + maxDur + 2 + CADENCE_MS / 1000;
    const expectedGens = Math.floor((cadenceEnd - workerStart) / 1000 / (LEADERBOARD_INTERVAL_S + (Number.isFinite(maxDur) ? maxDur : 0) + 2)) + 1;
    const tickList = [...ticks].filter((t) => t >= runStart).sort((a, b) => a - b);
    const tickGaps = tickList.slice(1).map((t, i) => (t - tickList[i]) / 1000);
    const onTime = tickGaps.length ? tickGaps.filter((g) => Math.abs(g - TRACKING_INTERVAL_S) <= 0.1 * TRACKING_INTERVAL_S).length / tickGaps.length : NaN;
    const windowMin = (cadenceEnd - warm.at) / 60_000;
    const snaps = (metric(wEnd, 'tracking_snapshots_total') - metric(warm.w, 'tracking_snapshots_total')) / windowMin;
    const fast = bucketDelta(buckets(warm.w, 'tracking_trade_to_snapshot_seconds'), buckets(wEnd, 'tracking_trade_to_snapshot_seconds'));
    const rejected429 = simEnd.weight.rejected429 - warm.sim.weight.rejected429;
    const weightPerMin = (simEnd.weight.totalConsumed - warm.sim.weight.totalConsumed) / windowMin;
    const apiSorted = [...apiMs].sort((a, b) => a - b);
    console.log(
      `\nleaderboard: ${runGens.length} generations since the worker started (expected ≥ ${expectedGens} at LEADERBOARD_INTERVAL_SECONDS=${LEADERBOARD_INTERVAL_S}), ` +
        `longest computation ${fmt(maxDur, 1)} s, longest gap ${fmt(maxGap, 1)} s (allowed ${fmt(allowedGap, 1)} s): ` +
        `${runGens.length >= expectedGens && !(maxGap > allowedGap) ? 'on cadence' : 'BEHIND'}; GET /api/v1/leaderboard p50 ${fmt(apiSorted[Math.floor(apiSorted.length / 2)] ?? NaN)} ms, max ${fmt(apiSorted[apiSorted.length - 1] ?? NaN)} ms` +
        `\ntracking: ${tickList.length} round ticks, ${fmt(onTime * 100, 0)} % of gaps within 10 % of ${TRACKING_INTERVAL_S} s; after the warm-up ` +
        `${fmt(snaps)} snapshots/min, ${fmt(weightPerMin)} weight/min of ${BUDGET} at the simulator, ${rejected429} × 429; ` +
        `fast path trade → snapshot p50 ${fmt(histogramQuantile(fast, 0.5), 1)} s, p99 ${fmt(histogramQuantile(fast, 0.99), 1)} s` +
        `\ningest: simulator published ${fmt(published)}, discovery stored ${fmt(storedEnd)}, fills rows ${fmt(fills)}, dropped ${fmt(metric(end, 'discovery_buffer_dropped_total'))}` +
        `\nwarnings/errors: ${warningsLine(roles)}` +
        `\nRedis database ${REDIS_DB}: ${bench.integrity()}`,
    );
    for (const r of roleNames) {
      const key = r.replace(/[^a-z0-9]/gi, '_');
      console.log(`FIGURE soak_rss_mb_${key}_start ${Math.round(first.rss[r])}`);
      console.log(`FIGURE soak_rss_mb_${key}_middle ${Math.round(mid.rss[r])}`);
      console.log(`FIGURE soak_rss_mb_${key}_end ${Math.round(lastS.rss[r])}`);
    }
    console.log(`FIGURE disk_per_day_mb ${Math.round(ledgerDay + yearDay)}`);
    console.log(`FIGURE disk_ledger_per_day_mb ${Math.round(ledgerDay)}`);
    console.log(`FIGURE disk_year_projection_gb ${yearGb.toFixed(1)}`);
    console.log(`FIGURE leaderboard_generations ${runGens.length}`);
    console.log(`FIGURE leaderboard_max_gap_s ${Number.isFinite(maxGap) ? maxGap.toFixed(0) : 'NaN'}`);
    console.log(`FIGURE tracking_rounds_on_time_share ${Number.isFinite(onTime) ? onTime.toFixed(2) : 'NaN'}`);
    console.log(`FIGURE tracking_snapshots_per_min ${Math.round(snaps)}`);
    console.log(`FIGURE soak_trades_per_s ${RATE}`);
    console.log(`FIGURE load_average ${loadavg()[0].toFixed(2)}`);
  } finally {
    await sim.setTradeRate(0).catch(() => undefined);
    await pg.end().catch(() => undefined);
    await Promise.all(roles.map((r) => r.stop()));
    await sim.stop();
    bench.stop();
    await redis.flushdb();
    redis.disconnect();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
