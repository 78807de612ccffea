/**
 * The live path end to end: a public trade on the exchange → a `trade_event` at a Socket.IO
 * client, and live positions against the exchange's truth.
 *
 *   npm run build && npm run bench:live [-- --traders 5000 --trade-rate 1000 --seconds 60 --liquidations 5
 *                                            --no-api --log-slow-ms 500 --keep]
 *
 * Processes (each its own, on database `bench_live` and Redis logical database 14): the simulator
 * (`--traders 5000`, `--trade-rate 1000`, `--weight-per-minute 100000`), `ROLE=discovery`, workers
 * (`ROLE=worker`) and `ROLE=api`, plus a socket.io-client (websocket transport) on `/updates` and a
 * subscriber of the Redis channel `trade_events` in this process.
 *
 * 1. The simulator's accounts are registered in `traders` (roles known, vaults flagged).
 * 2. Pre-baseline (warm-up): one worker at RATE_LIMIT_WEIGHT_PER_MINUTE=100000 snapshots every
 *    trader once (at the production 1,200/min that alone takes ~8 minutes). It is then stopped,
 *    the warm-up's weight is cleared from the shared budget (as if it were long past), and two
 *    workers at the production RATE_LIMIT_WEIGHT_PER_MINUTE=1200 take over (the live engine
 *    fails over to one of them and reloads from its last commit).
 * 3. Steady run (`--seconds`, after the engine has caught up): latency of every stream event =
 *    receive time − event `timestamp` (the trade's exchange time), at Redis and at the Socket.IO
 *    client; `--liquidations` backstop liquidations (no public trade) of baselined traders with
 *    open positions, spread over the run.
 * 4. The generator stops, the pipeline drains (trades stream fully applied), the liquidations'
 *    corrections are awaited, then every baselined trader's `trader_positions` is compared with
 *    the simulator's `GET /sim/truth`; differences and snapshot corrections are explained from the
 *    fills ledger (a snapshot that overtook its trades, a trade sharing a snapshot's millisecond).
 * About 3.5 minutes; hard stop at 8. Environment: see bench/support (BENCH_APP_ROOT runs another
 * checkout's dist/, TEST_PG_ADMIN_URL / TEST_REDIS_URL point at other servers).
 */
import Decimal from 'decimal.js';
import { io, Socket } from 'socket.io-client';
import { TradeEventPayload } from '../src/events/trade-event.payload';
import { RateBudgetKeys } from '../src/redis/contracts/rate-budget';
import { SeenTrades } from '../src/redis/contracts/seen-trades';
import { TradesStream, decodeTradesEntry } from '../src/redis/contracts/trades-stream';
import { roundStartFor } from '../src/tracking/round';
import { benchRedis, createBenchDatabase } from './support/infra';
import { EventLog, HeardEvent, registerTraders, subscribeTradeEvents, TradeTap } from './support/events';
import { buckets, bucketDelta, histogramQuantile, LeaderWatch, metric, parseMetrics, Sample } from './support/metrics';
import { AppProcess, CpuMeter, cpuPercentBetween, deadline, MachineMeter, sleep, startApp, startSimulator, TraderTruth, warningsLine } from './support/processes';
import { fmt, log, machineLine, percentile, printTable } from './support/report';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

const TRADERS = Number(arg('traders', '5000'));
const TRADE_RATE = Number(arg('trade-rate', '1000'));
const SECONDS = Number(arg('seconds', '60'));
const LIQUIDATIONS = Number(arg('liquidations', '5'));
const WITH_API = !process.argv.includes('--no-api');
/** Log the bench database's statements slower than this (ms) to the Postgres server log; 0 = off. */
const LOG_SLOW_MS = Number(arg('log-slow-ms', '0'));
/** Keep the bench database afterwards (for a post-mortem); its name is printed. */
const KEEP = process.argv.includes('--keep');
const WARMUP_BUDGET = 100_000;
const BUDGET = 1200;
const TRACKING_INTERVAL_S = 75;
const WARMUP_TIMEOUT_MS = 150_000;
const REDIS_DB = 14;

interface Liquidation {
  address: string;
  coin: string;
  szi: string;
  at: number;
  /** Due in the current tracking round when liquidated (else only from the next round). */
  due: boolean;
  /** Its last snapshot (last_tracked_at) relative to the liquidation, at the end, ms. */
  lastTrackedAfterMs: number | null;
  correctedAfterMs: number | null;
  finalEqual: boolean | null;
}

async function main(): Promise<void> {
  deadline(480_000, 'bench:live');
  console.log(`live bench: ${machineLine()}`);
  const db = await createBenchDatabase('live');
  const bench = await benchRedis(REDIS_DB);
  const { url: redisUrl, redis } = bench;
  const sim = await startSimulator({ traders: TRADERS, seed: 1, 'weight-per-minute': WARMUP_BUDGET });
  const processes = new Set<AppProcess>();
  const tap = new TradeTap();
  let unsubscribe = () => undefined as void;
  let socket: Socket | null = null;
  const pg = await db.client();
  try {
    const accounts = await sim.truth();
    const registered = await registerTraders(pg, accounts);
    if (LOG_SLOW_MS > 0) await pg.query(`ALTER DATABASE ${db.name} SET log_min_duration_statement = ${LOG_SLOW_MS}`);
    const addresses = new Set(accounts.map((a) => a.address.toLowerCase()));
    const heard = new EventLog(addresses, tap);
    const viaIo = new EventLog(addresses, tap);
    unsubscribe = await subscribeTradeEvents(redisUrl, heard);
    await tap.start(sim.httpUrl, sim.wsUrl);
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, HYPERLIQUID_API_URL: sim.httpUrl, WEBSOCKET_URL: sim.wsUrl };
    const start = async (role: string, extra: Record<string, string> = {}) => {
      const p = await startApp(role, { ...env, ...extra });
      processes.add(p);
      return p;
    };
    const stop = async (p: AppProcess) => {
      await p.stop();
      processes.delete(p);
    };
    const baselined = async () =>
      Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM live_baselines')).rows[0].n);

    // Discovery, the market, the warm-up worker, and the api meanwhile.
    const discovery = await start('discovery', { RATE_LIMIT_WEIGHT_PER_MINUTE: String(BUDGET) });
    for (const t0 = Date.now(); metric(parseMetrics(await discovery.metrics()), 'discovery_ws_subscriptions') < 1; await sleep(250)) {
      if (Date.now() - t0 > 30_000) throw new Error(`discovery did not subscribe within 30 s:\n${discovery.output()}`);
    }
    await sim.setTradeRate(TRADE_RATE);
    const warmStart = Date.now();
    const warm = await start('worker', { RATE_LIMIT_WEIGHT_PER_MINUTE: String(WARMUP_BUDGET), TRACKING_CONCURRENCY: '16' });
    const api = WITH_API ? await start('api', { THROTTLE_LIMIT_PER_MINUTE: '1000000' }) : null;
    log(
      `simulator ${sim.httpUrl}: ${accounts.length} accounts registered (${registered.trackable} trackable), ${TRADE_RATE} trades/s; ` +
        `discovery pid ${discovery.pid}, warm-up worker pid ${warm.pid}${api ? `, api pid ${api.pid}` : ''}`,
    );
    let done = 0;
    let last = -1;
    let stillSince = Date.now();
    for (;;) {
      await sleep(2000);
      done = await baselined();
      if (done !== last) stillSince = Date.now();
      last = done;
      if (done >= registered.trackable || Date.now() - stillSince > 10_000 || Date.now() - warmStart > WARMUP_TIMEOUT_MS) break;
      if ((Date.now() - warmStart) % 10_000 < 2000) log(`warm-up: ${done}/${registered.trackable} baselined`);
    }
    const warmSeconds = (Date.now() - warmStart) / 1000;
    const warmWeight = (await sim.stats()).weight.totalConsumed;
    log(`warm-up: ${done}/${registered.trackable} baselined in ${fmt(warmSeconds)} s; switching to ${BUDGET}/min workers`);

    // Production budget from here on.
    await stop(warm);
    const budgetKeys = await redis.keys(`${RateBudgetKeys.prefix}:*`);
    if (budgetKeys.length) await redis.del(...budgetKeys);
    const workers = await Promise.all([1, 2].map(() => start('worker', { RATE_LIMIT_WEIGHT_PER_MINUTE: String(BUDGET) })));
    const scrapeWorkers = async (): Promise<Sample[][]> => Promise.all(workers.map(async (w) => parseMetrics(await w.metrics())));
    // Caught up: the engine's lag (now − exchange time of the last applied trade) under 1 s for 3 s.
    const settleStart = Date.now();
    for (let ok = 0; ok < 3 && Date.now() - settleStart < 90_000; ) {
      await sleep(1000);
      const m = await scrapeWorkers();
      const lag = Math.max(...m.map((w) => metric(w, 'live_trade_lag_seconds')));
      const applied = m.reduce((s, w) => s + metric(w, 'live_applied_total', { kind: 'trade' }), 0);
      ok = applied > 0 && lag < 1 ? ok + 1 : 0;
    }
    log(`workers pid ${workers.map((w) => w.pid).join(', ')} at ${BUDGET}/min; live engine caught up after ${fmt((Date.now() - settleStart) / 1000)} s`);

    let ioNote = WITH_API ? '' : '--no-api';
    if (api) {
      try {
        socket = await connectUpdates(api.url, viaIo);
      } catch (err) {
        ioNote = `the api does not serve Socket.IO /updates in this build (${(err as Error).message})`;
        log(`${ioNote}: measuring up to the Redis trade_events channel only`);
      }
    }

    // Steady run, with backstop liquidations spread over it.
    const roles = [discovery, ...workers, ...(api ? [api] : [])];
    const meters = [...roles.map((p) => new CpuMeter(p.pid)), new CpuMeter(sim.pid)];
    const machine = new MachineMeter();
    const pg0 = await db.backendCpu();
    const w0 = await scrapeWorkers();
    const s0 = await sim.stats();
    const steadyStart = Date.now();
    const liquidations: Liquidation[] = [];
    const lags: number[] = [];
    /** The engine leader's longest event-loop stall per 5 s (prom-client resets it at each scrape). */
    const stalls: number[] = [];
    const leaders = new LeaderWatch(workers);
    const lagTicker = setInterval(() => {
      void scrapeWorkers().then((m) => {
        lags.push(Math.max(...m.map((w) => metric(w, 'live_trade_lag_seconds'))));
        const leader = m.reduce((a, b) => (metric(b, 'live_baselined_traders') > metric(a, 'live_baselined_traders') ? b : a));
        stalls.push(metric(leader, 'nodejs_eventloop_lag_max_seconds') * 1000);
      });
    }, 5000);
    for (let k = 0; k < LIQUIDATIONS; k++) {
      await sleep(Math.max(0, steadyStart + ((k + 0.5) * SECONDS * 1000) / Math.max(1, LIQUIDATIONS) - Date.now()));
      const l = await liquidateOne(pg, sim, liquidations);
      if (l) liquidations.push(l);
    }
    await sleep(Math.max(0, steadyStart + SECONDS * 1000 - Date.now()));
    clearInterval(lagTicker);
    leaders.stop();
    const steadyEnd = Date.now();
    const w1 = await scrapeWorkers();
    const s1 = await sim.stats();
    const pg1 = await db.backendCpu();
    const procs = meters.map((m) => m.read());
    const busy = machine.read();
    const steadySec = (steadyEnd - steadyStart) / 1000;

    // Hop 1 of the path: exchange time of each trade → its entry on the trades stream (the entry id
    // is the XADD time): discovery's buffering and its live hand-off.
    const hop1: number[] = [];
    for (let from = String(steadyStart); ; ) {
      const entries = (await redis.xrange(TradesStream.key, from, String(steadyEnd), 'COUNT', 200)) as Array<[string, string[]]>;
      for (const [id, fields] of entries) {
        const at = Number(id.split('-')[0]);
        for (const t of decodeTradesEntry<{ time: number }>(fields)) hop1.push(at - t.time);
      }
      if (entries.length < 200) break;
      from = `(${entries[entries.length - 1][0]}`;
    }
    hop1.sort((a, b) => a - b);

    // Stop the market, drain, wait for the corrections, compare.
    await sim.setTradeRate(0);
    const drainStart = Date.now();
    let drained = false;
    while (!drained && Date.now() - drainStart < 30_000) {
      await sleep(500);
      const depth = metric(parseMetrics(await discovery.metrics()), 'discovery_buffer_depth');
      const lastId = ((await redis.xrevrange(TradesStream.key, '+', '-', 'COUNT', 1))[0] ?? [''])[0];
      const cp = (await pg.query<{ position: string }>(`SELECT position FROM stream_checkpoints WHERE name = 'live:trades'`)).rows[0]?.position;
      drained = depth === 0 && lastId !== '' && cp === lastId;
    }
    await sleep(1000); // publish after commit
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const correctionDeadline = Math.max(Date.now() + 20_000, roundStartFor(Date.now(), TRACKING_INTERVAL_S).getTime() + TRACKING_INTERVAL_S * 1000 + 20_000);
    const waitUntil = Math.min(correctionDeadline, Date.now() + 100_000);
    while (liquidations.some((l) => !corrected(heard.events, l)) && Date.now() < waitUntil) await sleep(500);
    for (const l of liquidations) {
      const e = corrected(heard.events, l);
      l.correctedAfterMs = e ? e.receivedAt - l.at : null;
      const { rows } = await pg.query<{ ms: string | null }>(
        `SELECT (extract(epoch FROM last_tracked_at) * 1000)::bigint::text AS ms FROM traders WHERE address = $1`,
        [l.address],
      );
      l.lastTrackedAfterMs = rows[0]?.ms ? Number(rows[0].ms) - l.at : null;
    }
    const comparison = await compare(pg, await sim.truth());
    // The discovery replicas' de-duplication sets (per-minute `coin:tid` sets, kept 6 minutes).
    let seenKeys = 0;
    let seenBytes = 0;
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${SeenTrades.prefix}*`, 'COUNT', 100);
      for (const key of keys) {
        seenKeys++;
        seenBytes += Number((await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0);
      }
      if (next === '0') break;
      cursor = next;
    }
    const deadlocks = await db.deadlocks();
    for (const l of liquidations) l.finalEqual = !comparison.mismatched.has(l.address);

    // Figures.
    const redisLat = heard.summary(steadyStart, steadyEnd);
    const ioLat = viaIo.summary(steadyStart, steadyEnd);
    const snaps = (m: Sample[][]) => m.reduce((s, w) => s + metric(w, 'tracking_snapshots_total'), 0);
    const commit = bucketDelta(buckets(w0.flat(), 'live_commit_seconds'), buckets(w1.flat(), 'live_commit_seconds'));
    const delta = (name: string, where: Record<string, string> = {}) =>
      w1.reduce((a, w) => a + metric(w, name, where), 0) - w0.reduce((a, w) => a + metric(w, name, where), 0);
    const commits = delta('live_commit_seconds_count');
    const duplicatesPublished = delta('events_relayed_total');
    const chains = gapFree(heard.events);
    // Snapshot-sourced events other than the liquidations' corrections: the stream's view and the
    // snapshot disagreed. Which accounts, and did the account trade that coin in the snapshot's ms?
    const kinds = new Map(accounts.map((a) => [a.address.toLowerCase(), a.kind]));
    const liquidated = new Set(liquidations.map((l) => `${l.address}|${l.coin}`));
    const otherSnapshots = heard.events.filter(
      (e) => e.source === 'snapshot' && e.receivedAt >= steadyStart && e.receivedAt < steadyEnd && !liquidated.has(`${e.address}|${e.coin}`),
    );
    const byKind = new Map<string, number>();
    for (const e of otherSnapshots) byKind.set(kinds.get(e.address) ?? '?', (byKind.get(kinds.get(e.address) ?? '?') ?? 0) + 1);
    const sameMs = otherSnapshots.filter((e) => tap.has(e.coin, Date.parse(e.payload.timestamp ?? ''), e.address)).length;
    const why = await classifySnapshotEvents(pg, otherSnapshots);
    console.log(
      `\nlive: simulator ${TRADERS} traders + 5 LPs, ${TRADE_RATE} trades/s; processes: discovery, 2 workers` +
        `${api ? ', api' : ''}; steady run ${fmt(steadySec)} s\n` +
        `pre-baseline (stated): the warm-up ran one worker at RATE_LIMIT_WEIGHT_PER_MINUTE=${WARMUP_BUDGET} against the simulator at ` +
        `--weight-per-minute ${WARMUP_BUDGET} (throughout): ${fmt(done)}/${fmt(registered.trackable)} traders baselined in ${fmt(warmSeconds)} s ` +
        `(${fmt(warmWeight)} weight); then its weight was cleared from the shared budget and the two workers ran at ${BUDGET}/min.\n`,
    );
    printTable(
      ['measured at', 'stream events', 'events/s', 'matched to a trade', 'trade→event p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'snapshot events'],
      [
        ['Redis trade_events', fmt(redisLat.stream), fmt(redisLat.stream / steadySec), `${fmt(redisLat.matched)}/${fmt(redisLat.stream)}`, fmt(redisLat.p50), fmt(redisLat.p95), fmt(redisLat.p99), fmt(redisLat.max), fmt(redisLat.snapshot)],
        ...(socket
          ? [['Socket.IO /updates client', fmt(ioLat.stream), fmt(ioLat.stream / steadySec), `${fmt(ioLat.matched)}/${fmt(ioLat.stream)}`, fmt(ioLat.p50), fmt(ioLat.p95), fmt(ioLat.p99), fmt(ioLat.max), fmt(ioLat.snapshot)]]
          : []),
      ],
    );
    console.log(
      `p99 per 5 s of the steady run at the ${socket ? 'Socket.IO client' : 'Redis channel'}: ` +
        `${(socket ? viaIo : heard).windowP99(steadyStart, steadyEnd).map((v) => fmt(v)).join(', ')} ms\n` +
        `of which trade → trades stream (discovery: the live hand-off, ~20 ms batching and one Redis script), ${fmt(hop1.length)} trades: ` +
        `p50 ${fmt(percentile(hop1, 0.5))} ms, p95 ${fmt(percentile(hop1, 0.95))} ms, p99 ${fmt(percentile(hop1, 0.99))} ms; ` +
        'the rest is the live engine (read, apply, commit, publish) and, for Socket.IO, the api relay.\n',
    );
    printTable(
      ['process', 'CPU % (steady run)', 'RSS MB'],
      [
        ...roles.map((p, k) => [`${p.role} pid ${p.pid}`, fmt(procs[k].cpuPercent), fmt(procs[k].rssMb)]),
        [`simulator pid ${sim.pid}`, fmt(procs[procs.length - 1].cpuPercent), fmt(procs[procs.length - 1].rssMb)],
        ['postgres (bench database backends)', fmt(cpuPercentBetween(pg0, pg1, steadySec)), '–'],
        ['machine busy % (all processes, both cores)', fmt(busy), '–'],
      ],
    );
    console.log('');
    printTable(
      ['liquidated trader', 'coin', 'szi before', 'due this round', 'last snapshot (vs liquidation)', 'snapshot correction after', 'final position equal'],
      liquidations.map((l) => [
        l.address,
        l.coin,
        l.szi,
        l.due ? 'yes' : 'no',
        l.lastTrackedAfterMs === null ? '–' : `${l.lastTrackedAfterMs >= 0 ? '+' : ''}${fmt(l.lastTrackedAfterMs / 1000, 1)} s`,
        l.correctedAfterMs === null ? 'NOT corrected' : `${fmt(l.correctedAfterMs / 1000, 1)} s`,
        l.finalEqual ? 'yes' : 'NO',
      ]),
    );
    const pct = (a: number, b: number) => (b ? (100 * a) / b : NaN);
    console.log(
      `\npositions after the drain (${fmt(drainSeconds, 1)} s${drained ? '' : ', NOT fully drained'}), every baselined trader vs GET /sim/truth: ` +
        `${fmt(comparison.tradersEqual)}/${fmt(comparison.traders)} traders equal = ${fmt(pct(comparison.tradersEqual, comparison.traders), 3)} % ` +
        `(target ≥ 99.9 %: ${pct(comparison.tradersEqual, comparison.traders) >= 99.9 ? 'met' : 'MISSED'}); ` +
        `positions ${fmt(comparison.positionsEqual)}/${fmt(comparison.positions)} = ${fmt(pct(comparison.positionsEqual, comparison.positions), 3)} %` +
        (comparison.examples.length ? `\n  mismatches (ours vs truth): ${comparison.examples.join('; ')}` : '') +
        (comparison.explained.length ? `\n  ${comparison.explained.join('\n  ')}` : '') +
        `\nliquidations corrected by reconciliation: ${liquidations.filter((l) => l.correctedAfterMs !== null).length}/${liquidations.length}, ` +
        `final positions equal ${liquidations.filter((l) => l.finalEqual).length}/${liquidations.length}` +
        `\nother snapshot-sourced events in the steady run (stream view ≠ snapshot, no liquidation): ${fmt(otherSnapshots.length)} ` +
        `(${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}); the account traded that coin in the snapshot's own millisecond: ${fmt(sameMs)}; ` +
        `the difference is exactly its trades since its previous snapshot not yet applied live (the snapshot overtook them; benign): ` +
        `${fmt(why.overtaken)}, exactly its trades in the millisecond of its previous snapshot (lost to a same-millisecond tie): ${fmt(why.tie)}, ` +
        `other: ${fmt(otherSnapshots.length - why.overtaken - why.tie)}` +
        (otherSnapshots.length
          ? `; e.g. ${otherSnapshots
              .slice(0, 3)
              .map((e) => `${kinds.get(e.address)} ${e.coin} ${e.payload.details.previous_size}→${e.payload.details.current_size}`)
              .join(', ')}`
          : '') +
        `\nevent chains (each event starts where the previous one of its trader/coin ended, by id): ${fmt(chains.ok)}/${fmt(chains.total)} gap-free; ` +
        `duplicates heard ${heard.duplicates}, foreign events ignored ${heard.foreign}` +
        `\nsteady run: simulator generated ${fmt((s1.trades.total - s0.trades.total) / steadySec)} trades/s; live engine lag (every 5 s) ` +
        `${lags.map((l) => fmt(l, 1)).join(', ')} s; the leader's longest event-loop stall (every 5 s) ${stalls.map((l) => fmt(l)).join(', ')} ms; ${fmt(commits)} commits, ${fmt(delta('live_applied_total', { kind: 'trade' }) / Math.max(1, commits))} trades each, ` +
        `mean ${fmt((delta('live_commit_seconds_sum') / Math.max(1, commits)) * 1000)} ms, p50 ${fmt(histogramQuantile(commit, 0.5) * 1000)} ms, ` +
        `p99 ${fmt(histogramQuantile(commit, 0.99) * 1000)} ms (histogram tops at 1 s); events republished by the outbox relay ${fmt(duplicatesPublished)}; ` +
        `snapshots ${fmt(((snaps(w1) - snaps(w0)) * 60) / steadySec)}/min; simulator 429s ${s1.weight.rejected429}` +
        `\nlive engine (one leader expected): trades + snapshots applied per worker in the steady run ${leaders.totals().map((n) => fmt(n)).join(' / ')}; ` +
        `5 s intervals in which both applied: ${leaders.both}/${leaders.intervals}` +
        `\nPostgres deadlocks in the bench database (whole run): ${deadlocks}; warnings/errors: ${warningsLine([discovery, ...workers, ...(api ? [api] : [])])}` +
        `\ndiscovery de-duplication sets (ts:seen:*): ${seenKeys} keys, ${fmt(seenBytes / 1e6, 1)} MB in Redis` +
        `\nRedis database ${REDIS_DB}: ${bench.integrity()}` +
        (socket ? '' : `\n(${ioNote}: measured up to the Redis trade_events channel only)`),
    );
  } finally {
    socket?.disconnect();
    unsubscribe();
    tap.stop();
    await sim.setTradeRate(0).catch(() => undefined);
    await Promise.all([...processes].map((p) => p.stop()));
    await sim.stop();
    await pg.end();
    bench.stop();
    await redis.flushdb();
    redis.disconnect();
    if (KEEP) console.log(`kept database ${db.name} (${db.url})`);
    else await db.drop();
  }
}

/** A socket.io-client (websocket transport) on /updates, feeding `log`; rejects after 10 s. */
async function connectUpdates(url: string, log: EventLog): Promise<Socket> {
  const socket = io(`${url}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 });
  socket.on('trade_event', (e: TradeEventPayload) => log.add(e));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no connection message within 10 s')), 10_000);
      socket.once('connection', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return socket;
  } catch (err) {
    socket.disconnect();
    throw err;
  }
}

/**
 * A backstop liquidation of a baselined trader with an open position who is due for a snapshot
 * and not claimed right now (so the next snapshot of it is taken after the liquidation).
 */
async function liquidateOne(
  pg: import('pg').Client,
  sim: Awaited<ReturnType<typeof startSimulator>>,
  taken: Liquidation[],
): Promise<Liquidation | null> {
  const { rows } = await pg.query<{ address: string; coin: string; szi: string; due: boolean }>(
    `SELECT t.address, p.coin, p.szi::text, t.last_tracked_at < $2 AS due FROM traders t JOIN trader_positions p ON p.trader_id = t.id
      WHERE EXISTS (SELECT 1 FROM live_baselines lb WHERE lb.trader_id = t.id) AND NOT t.is_vault AND (t.claimed_until IS NULL OR t.claimed_until < now())
        AND NOT (t.address = ANY($1::varchar[]))
      ORDER BY (t.last_tracked_at < $2) DESC, t.last_tracked_at ASC, abs(p.szi) DESC LIMIT 1`,
    [taken.map((l) => l.address), roundStartFor(Date.now(), TRACKING_INTERVAL_S)],
  );
  if (!rows[0]) return null;
  const { address, coin, due } = rows[0];
  const before = await (await fetch(`${sim.httpUrl}/sim/position?user=${address}&coin=${coin}`)).json() as { szi: string } | null;
  if (!before || new Decimal(before.szi).isZero()) return null;
  await sim.control('liquidate', { user: address, coin, method: 'backstop' });
  return { address, coin, szi: before.szi, at: Date.now(), due, lastTrackedAfterMs: null, correctedAfterMs: null, finalEqual: null };
}

function corrected(events: HeardEvent[], l: Liquidation): HeardEvent | undefined {
  return events.find((e) => e.source === 'snapshot' && e.address === l.address && e.coin === l.coin && e.receivedAt >= l.at);
}

async function compare(
  pg: import('pg').Client,
  truth: TraderTruth[],
): Promise<{ traders: number; tradersEqual: number; positions: number; positionsEqual: number; mismatched: Set<string>; examples: string[]; explained: string[] }> {
  const byAddress = new Map(truth.map((t) => [t.address.toLowerCase(), t]));
  const { rows } = await pg.query<{ address: string; positions: Array<{ coin: string; szi: string }> | null }>(`
    SELECT t.address, (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text)) FROM trader_positions p
                        WHERE p.trader_id = t.id) AS positions
      FROM traders t WHERE EXISTS (SELECT 1 FROM live_baselines lb WHERE lb.trader_id = t.id)`);
  let tradersEqual = 0;
  let positions = 0;
  let positionsEqual = 0;
  const mismatched = new Set<string>();
  const examples: string[] = [];
  const diffs: Array<{ address: string; coin: string; missing: Decimal }> = [];
  for (const r of rows) {
    const ours = new Map((r.positions ?? []).filter((p) => !new Decimal(p.szi).isZero()).map((p) => [p.coin, new Decimal(p.szi)]));
    const theirs = new Map(
      (byAddress.get(r.address)?.positions ?? []).filter((p) => !new Decimal(p.szi).isZero()).map((p) => [p.coin, new Decimal(p.szi)]),
    );
    const coins = new Set([...ours.keys(), ...theirs.keys()]);
    let same = true;
    for (const coin of coins) {
      positions++;
      const a = ours.get(coin);
      const b = theirs.get(coin);
      if (a && b && a.equals(b)) positionsEqual++;
      else {
        same = false;
        diffs.push({ address: r.address, coin, missing: (b ?? new Decimal(0)).minus(a ?? new Decimal(0)) });
        if (examples.length < 10) examples.push(`${r.address.slice(0, 10)}… ${coin} ${a?.toString() ?? '0'} vs ${b?.toString() ?? '0'}`);
      }
    }
    if (same) tradersEqual++;
    else mismatched.add(r.address);
  }
  // Is the difference exactly the public trades of that trader and coin in the very millisecond of
  // its last snapshot (a trade stamped with the snapshot's time but executed after it)?
  const explained: string[] = [];
  for (const d of diffs.slice(0, 8)) {
    const { rows: same } = await pg.query<{ sz: string; bought: boolean }>(
      `SELECT f.sz::text, f.buyer = $1 AS bought FROM fills f JOIN traders t ON t.address = $1
        WHERE f.coin = $2 AND (f.buyer = $1 OR f.seller = $1) AND f.time = (SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id)`,
      [d.address, d.coin],
    );
    const sum = same.reduce((acc, f) => (f.bought ? acc.plus(f.sz) : acc.minus(f.sz)), new Decimal(0));
    // Public trades of it in that coin since its last snapshot: in the ledger vs applied live.
    const { rows: since } = await pg.query<{ ledger: string; ledger_sum: string | null; applied: string; applied_sum: string | null; baseline: string }>(
      `SELECT (SELECT count(*) FROM fills f WHERE f.coin = $2 AND (f.buyer = $1 OR f.seller = $1) AND f.time > (SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id)) AS ledger,
              (SELECT sum(CASE WHEN f.buyer = $1 THEN f.sz ELSE -f.sz END)::text FROM fills f
                WHERE f.coin = $2 AND (f.buyer = $1 OR f.seller = $1) AND f.time > (SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id)) AS ledger_sum,
              (SELECT count(*) FROM trader_fills tf WHERE tf.trader_id = t.id AND tf.coin = $2 AND tf.time > (SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id)) AS applied,
              (SELECT sum(CASE WHEN tf.side = 'B' THEN tf.sz ELSE -tf.sz END)::text FROM trader_fills tf
                WHERE tf.trader_id = t.id AND tf.coin = $2 AND tf.time > (SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id)) AS applied_sum,
              to_char((SELECT lb.baseline_at FROM live_baselines lb WHERE lb.trader_id = t.id), 'HH24:MI:SS.MS') AS baseline
         FROM traders t WHERE t.address = $1`,
      [d.address, d.coin],
    );
    const x = since[0];
    explained.push(
      `${d.address.slice(0, 10)}… ${d.coin}: last snapshot ${x?.baseline}; since then ${x?.ledger} public trade(s) (signed ${x?.ledger_sum ?? 0}), ` +
        `${x?.applied} applied live (signed ${x?.applied_sum ?? 0}); ${same.length} trade(s) in the snapshot's own millisecond ` +
        `(signed ${sum.toString()}) vs missing ${d.missing.toString()}${same.length && sum.equals(d.missing) ? ' (explains it)' : ''}`,
    );
  }
  return { traders: rows.length, tradersEqual, positions, positionsEqual, mismatched, examples, explained };
}

/**
 * Why snapshots disagreed with the stream, per event: `overtaken` when the difference is exactly
 * the trader's public trades in that coin between its previous snapshot and this one that were
 * not applied live yet (the snapshot reached the engine before those trades did: they are in it,
 * so the engine emits one snapshot event for them and skips them; positions stay right); `tie`
 * when it is exactly the trades stamped with the previous snapshot's millisecond (executed after
 * that snapshot but taken as included in it: lost until this snapshot). account_value_points
 * holds every snapshot's time.
 */
async function classifySnapshotEvents(pg: import('pg').Client, events: HeardEvent[]): Promise<{ overtaken: number; tie: number }> {
  let overtaken = 0;
  let tie = 0;
  for (const e of events) {
    const { rows } = await pg.query<{ pending: string | null; tied: string | null }>(
      `WITH prev AS (
         SELECT max(p.time) AS at FROM account_value_points p WHERE p.trader_id = $1 AND p.time < $2::timestamptz)
       SELECT (SELECT sum(CASE WHEN f.buyer = $3 THEN f.sz ELSE -f.sz END)::text FROM fills f
                WHERE f.coin = $4 AND (f.buyer = $3 OR f.seller = $3) AND f.time > prev.at AND f.time <= $2::timestamptz
                  AND NOT EXISTS (SELECT 1 FROM trader_fills tf WHERE tf.trader_id = $1 AND tf.coin = f.coin AND tf.tid = f.tid)) AS pending,
              (SELECT sum(CASE WHEN f.buyer = $3 THEN f.sz ELSE -f.sz END)::text FROM fills f
                WHERE f.coin = $4 AND (f.buyer = $3 OR f.seller = $3) AND f.time = prev.at) AS tied
         FROM prev`,
      [e.payload.trader_id, e.payload.timestamp, e.address, e.coin],
    );
    const change = new Decimal(e.payload.details.size_change);
    if (rows[0]?.pending && new Decimal(rows[0].pending).equals(change)) overtaken++;
    else if (rows[0]?.tied && new Decimal(rows[0].tied).equals(change)) tie++;
  }
  return { overtaken, tie };
}

/** Per trader and coin, events by id: each previous_size equals the prior event's current_size. */
function gapFree(events: HeardEvent[]): { ok: number; total: number } {
  const chains = new Map<string, HeardEvent[]>();
  for (const e of events) {
    const key = `${e.address}|${e.coin}`;
    const list = chains.get(key) ?? [];
    list.push(e);
    chains.set(key, list);
  }
  let ok = 0;
  for (const list of chains.values()) {
    list.sort((a, b) => a.payload.id - b.payload.id);
    let good = true;
    for (let i = 1; i < list.length && good; i++) {
      good = new Decimal(list[i].payload.details.previous_size).equals(new Decimal(list[i - 1].payload.details.current_size));
    }
    if (good) ok++;
  }
  return { ok, total: chains.size };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
