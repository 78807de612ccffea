/**
 * Tracking within the REST weight budget, with live events flowing.
 *
 *   npm run build && npm run bench:tracking [-- --traders 2000 --budget 600 --trade-rate 50 --warmup 25 --windows 2]
 *   npm run build && npm run bench:tracking -- --new-traders 300 --budget 600 [--minutes 4]   (see tracking-new-traders.ts)
 *
 * Processes (each its own, on database `bench_tracking` and Redis logical database 14): the
 * simulator (`--weight-per-minute <budget>`, `--traders 2000`, trades at `--trade-rate`), one
 * `ROLE=discovery` and two `ROLE=worker` processes at RATE_LIMIT_WEIGHT_PER_MINUTE=<budget>. The
 * simulator's accounts are registered in `traders` first (role already looked up, vaults
 * flagged), so no userRole lookups spend the budget and discovery's trades land on tracked traders
 * (which is what makes live events flow once they are baselined).
 *
 * After `--warmup` seconds, for each of `--windows` 60 s windows: snapshots (tracking_snapshots_total
 * of both workers, by path), weight the simulator charged vs the budget, the simulator's 429s,
 * and trade-to-event latency p50/p95/p99 of the stream events heard on Redis `trade_events`
 * (latency = receive time − event timestamp, the trade's exchange time; each event is matched to
 * a public trade seen by a tap on the simulator's WebSocket). ~2.7 minutes; hard stop at 4.
 * Environment: BENCH_APP_ROOT runs another checkout's dist/, TEST_PG_ADMIN_URL / TEST_REDIS_URL
 * point at other servers (see bench/support).
 */
import { benchRedis, createBenchDatabase } from './support/infra';
import { EventLog, registerTraders, subscribeTradeEvents, TradeTap } from './support/events';
import { buckets, bucketDelta, histogramQuantile, LeaderWatch, metric, parseMetrics, Sample } from './support/metrics';
import { AppProcess, CpuMeter, cpuPercentBetween, deadline, MachineMeter, SimStats, sleep, startApp, startSimulator, warningsLine } from './support/processes';
import { fmt, log, machineLine, printTable } from './support/report';
import { newTradersBench } from './tracking-new-traders';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

const TRADERS = Number(arg('traders', '2000'));
const BUDGET = Number(arg('budget', '600'));
const TRADE_RATE = Number(arg('trade-rate', '50'));
const WARMUP_S = Number(arg('warmup', '25'));
const WINDOWS = Number(arg('windows', '2'));
const WINDOW_S = 60;
const REDIS_DB = 14;

interface Boundary {
  at: number;
  sim: SimStats;
  workers: Sample[][];
  baselined: number;
}

async function main(): Promise<void> {
  deadline(240_000, 'bench:tracking');
  console.log(`tracking bench: ${machineLine()}`);
  const db = await createBenchDatabase('tracking');
  const bench = await benchRedis(REDIS_DB);
  const { url: redisUrl, redis } = bench;
  const sim = await startSimulator({ traders: TRADERS, seed: 1, 'weight-per-minute': BUDGET });
  const processes: AppProcess[] = [];
  const tap = new TradeTap();
  let unsubscribe = () => undefined as void;
  const pg = await db.client();
  try {
    const accounts = await sim.truth();
    const registered = await registerTraders(pg, accounts);
    const addresses = new Set(accounts.map((a) => a.address.toLowerCase()));
    const events = new EventLog(addresses, tap);
    unsubscribe = await subscribeTradeEvents(redisUrl, events);
    await tap.start(sim.httpUrl, sim.wsUrl);

    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: String(BUDGET),
    };
    const discovery = await startApp('discovery', env);
    processes.push(discovery);
    const t0 = Date.now();
    while (metric(parseMetrics(await discovery.metrics()), 'discovery_ws_subscriptions') < 1) {
      if (Date.now() - t0 > 30_000) throw new Error(`discovery did not subscribe within 30 s:\n${discovery.output()}`);
      await sleep(250);
    }
    await sim.setTradeRate(TRADE_RATE);
    const start = Date.now();
    const b0: Boundary = { at: start, sim: await sim.stats(), workers: [[], []], baselined: 0 };
    const workers = await Promise.all([startApp('worker', env), startApp('worker', env)]);
    processes.push(...workers);
    log(
      `simulator ${sim.httpUrl}: ${accounts.length} accounts registered (${registered.trackable} trackable, ${registered.vaults} vaults), ` +
        `${TRADE_RATE} trades/s, budget ${BUDGET}/min; discovery pid ${discovery.pid}, workers ${workers.map((w) => w.pid).join(', ')}`,
    );

    const boundary = async (): Promise<Boundary> => {
      const [simStats, workerMetrics, baselined] = await Promise.all([
        sim.stats(),
        Promise.all(workers.map(async (w) => parseMetrics(await w.metrics()))),
        pg.query<{ n: string }>('SELECT count(*) AS n FROM live_baselines'),
      ]);
      return { at: Date.now(), sim: simStats, workers: workerMetrics, baselined: Number(baselined.rows[0].n) };
    };
    await sleep(Math.max(0, start + WARMUP_S * 1000 - Date.now()));
    const marks: Boundary[] = [b0, await boundary()];
    log(`warm-up done: ${marks[1].baselined} traders baselined`);
    const meters = [...processes.map((p) => new CpuMeter(p.pid)), new CpuMeter(sim.pid)];
    const machine = new MachineMeter();
    const pg0 = await db.backendCpu();
    const perSecond: number[] = [];
    let lastConsumed = marks[1].sim.weight.totalConsumed;
    const ticker = setInterval(() => {
      void sim.stats().then((st) => {
        perSecond.push(st.weight.totalConsumed - lastConsumed);
        lastConsumed = st.weight.totalConsumed;
      });
    }, 1000);
    const leaders = new LeaderWatch(workers);
    for (let i = 1; i <= WINDOWS; i++) {
      await sleep(Math.max(0, start + (WARMUP_S + i * WINDOW_S) * 1000 - Date.now()));
      marks.push(await boundary());
      const m = marks[marks.length - 1];
      log(`window ${i}: ${m.baselined} baselined, simulator weight in window ${m.sim.weight.currentWindow}/${BUDGET}, 429s ${m.sim.weight.rejected429}`);
    }
    clearInterval(ticker);
    leaders.stop();
    const deadlocks = await db.deadlocks();
    const pg1 = await db.backendCpu();
    const activeSeconds = perSecond.filter((w) => w > 0).length;
    let burst5 = 0;
    for (let k = 0; k + 5 <= perSecond.length; k++) burst5 = Math.max(burst5, perSecond.slice(k, k + 5).reduce((a, b) => a + b, 0));
    const usage = metric(marks[marks.length - 1].workers[0], 'rate_budget_used_last_minute');
    const procs = meters.map((m) => m.read());
    const busy = machine.read();
    const measured = (marks[marks.length - 1].at - marks[1].at) / 1000;

    const snaps = (b: Boundary, path?: string) =>
      b.workers.reduce((s, w) => s + metric(w, 'tracking_snapshots_total', path ? { path } : {}), 0);
    const rows = [];
    for (let i = 1; i < marks.length; i++) {
      const a = marks[i - 1];
      const b = marks[i];
      const sec = (b.at - a.at) / 1000;
      const weight = b.sim.weight.totalConsumed - a.sim.weight.totalConsumed;
      const lat = events.summary(a.at, b.at);
      rows.push([
        i === 1 ? `warm-up 0–${fmt((b.at - start) / 1000)} s` : `${i - 1}: ${fmt((a.at - start) / 1000)}–${fmt((b.at - start) / 1000)} s`,
        `${fmt(snaps(b) - snaps(a))} (${fmt(snaps(b, 'queue') - snaps(a, 'queue'))} / ${fmt(snaps(b, 'signal') - snaps(a, 'signal'))})`,
        fmt(((snaps(b) - snaps(a)) * 60) / sec),
        fmt(weight),
        i === 1 ? '– (first burst)' : fmt((100 * weight) / ((BUDGET * sec) / 60), 1),
        fmt(b.sim.weight.rejected429 - a.sim.weight.rejected429),
        fmt(b.baselined),
        fmt(lat.stream),
        lat.stream ? `${fmt(lat.p50)} / ${fmt(lat.p95)} / ${fmt(lat.p99)}` : '–',
        fmt(lat.snapshot),
      ]);
    }
    const last = marks[marks.length - 1];
    const steady = events.summary(marks[1].at, last.at);
    const weightSteady = last.sim.weight.totalConsumed - marks[1].sim.weight.totalConsumed;
    const flagHist = bucketDelta(
      sumBuckets(marks[1].workers, 'tracking_trade_to_snapshot_seconds'),
      sumBuckets(last.workers, 'tracking_trade_to_snapshot_seconds'),
    );
    const perWorker = workers.map((_, k) => metric(last.workers[k], 'tracking_snapshots_total') - metric(marks[1].workers[k], 'tracking_snapshots_total'));

    console.log(
      `\ntracking: 2 workers at RATE_LIMIT_WEIGHT_PER_MINUTE=${BUDGET}, simulator --weight-per-minute ${BUDGET} (60 s window), ` +
        `${registered.trackable} trackable traders, ${TRADE_RATE} trades/s, discovery running\n`,
    );
    printTable(
      ['window', 'snapshots (queue / signal)', 'snapshots/min', 'weight charged (sim)', 'budget use % (weight/min ÷ budget)', '429s', 'baselined at end', 'stream events', 'trade→event p50 / p95 / p99 ms', 'snapshot events'],
      rows,
    );
    console.log('');
    printTable(
      ['process', 'CPU % (measured windows)', 'RSS MB'],
      [
        ...processes.map((p, k) => [`${p.role} pid ${p.pid}`, fmt(procs[k].cpuPercent), fmt(procs[k].rssMb)]),
        [`simulator pid ${sim.pid}`, fmt(procs[procs.length - 1].cpuPercent), fmt(procs[procs.length - 1].rssMb)],
        ['postgres (bench database backends)', fmt(cpuPercentBetween(pg0, pg1, measured)), '–'],
        ['machine busy % (all processes, both cores)', fmt(busy), '–'],
      ],
    );
    console.log(
      `\nover the ${WINDOWS} measured windows (${fmt(measured)} s): ${fmt(((snaps(last) - snaps(marks[1])) * 60) / measured)} traders refreshed/min ` +
        `(worker A ${fmt(perWorker[0])}, worker B ${fmt(perWorker[1])} snapshots); weight ${fmt((weightSteady * 60) / measured)}/min = ` +
        `${fmt((100 * weightSteady) / ((BUDGET * measured) / 60), 1)} % of ${BUDGET}/min (the app enforces its budget over 61 s, a 1 s safety margin: at most 98.4 %)` +
        `\nweight is granted in bursts: ${activeSeconds} of ${perSecond.length} seconds saw any; the largest 5 s took ${fmt(burst5)} ` +
        `(the rolling window refills as the grants of 61 s earlier expire)` +
        `\nsimulator: most weight in any 60 s window ${last.sim.weight.maxWindow} (≤ ${BUDGET}: ${last.sim.weight.maxWindow <= BUDGET ? 'yes' : 'NO'}), ` +
        `429s ${last.sim.weight.rejected429}, requests ${JSON.stringify(last.sim.requestsByType)}; app's rate_budget_used_last_minute ${fmt(usage)}` +
        `\ntrade→event (stream events, measured windows): ${fmt(steady.stream)} events, p50 ${fmt(steady.p50)} ms, p95 ${fmt(steady.p95)} ms, ` +
        `p99 ${fmt(steady.p99)} ms, max ${fmt(steady.max)} ms; matched to a public trade: ${fmt(steady.matched)}/${fmt(steady.stream)}; ` +
        `snapshot-sourced events ${fmt(steady.snapshot)}; foreign events ignored ${events.foreign}` +
        `\nweight granted by the app's budget (all time, per worker): ${last.workers.map((w) => fmt(metric(w, 'rate_budget_weight_granted_total'))).join(' / ')}` +
        ` vs charged by the simulator ${fmt(last.sim.weight.totalConsumed)}; fetch failures ${fmt(last.workers.reduce((a, w) => a + metric(w, 'tracking_fetch_failures_total'), 0))}` +
        `\nlive engine (one leader expected): trades + snapshots applied per worker ${leaders.totals().map((n) => fmt(n)).join(' / ')}; ` +
        `5 s intervals in which both workers applied: ${leaders.both}/${leaders.intervals}` +
        `\nPostgres deadlocks in the bench database: ${deadlocks}; warnings/errors: ${warningsLine(processes)}` +
        `\nRedis database ${REDIS_DB}: ${bench.integrity()}` +
        `\nflagged trade → snapshot (fast path for not-yet-baselined traders, tracking_trade_to_snapshot_seconds): ` +
        `p50 ${fmt(histogramQuantile(flagHist, 0.5), 2)} s, p99 ${fmt(histogramQuantile(flagHist, 0.99), 2)} s over ${fmt(flagHist.length ? flagHist[flagHist.length - 1][1] : 0)}`,
    );
  } finally {
    unsubscribe();
    tap.stop();
    await sim.setTradeRate(0).catch(() => undefined);
    await Promise.all(processes.map((p) => p.stop()));
    await sim.stop();
    await pg.end();
    bench.stop();
    await redis.flushdb();
    redis.disconnect();
    await db.drop();
  }
}

function sumBuckets(processes: Sample[][], name: string): Array<[number, number]> {
  return buckets(processes.flat(), name);
}

const NEW_TRADERS = Number(arg('new-traders', '0'));

(NEW_TRADERS > 0
  ? newTradersBench({
      newPerMinute: NEW_TRADERS,
      budget: BUDGET,
      minutes: Number(arg('minutes', '4')),
      traders: Number(arg('traders', '200')),
      tradeRate: Number(arg('trade-rate', '20')),
      warmupS: Number(arg('warmup', '30')),
    })
  : main()
).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
