/**
 * Socket.IO fan-out of one api process, against a bare Socket.IO server in the same run.
 *
 *   npm run bench:gateway [-- --clients 5000,10000 --rate 10 --seconds 20 --per-worker 2500 --bare 5000 --bare-first --client lite|socket.io --drain-seconds 60]
 *
 * For each client count, on a fresh `ROLE=api node dist/main.js` (its own process, so client load
 * and server are measured apart; run `npm run build` first): connects that many socket.io-client
 * clients (websocket transport; `lite`: a bare WebSocket speaking the Socket.IO protocol, see
 * gateway-client.ts) from forked client processes (`--per-worker` clients each), half
 * of them subscribed to one trader and half to one coin, publishes `--rate` trade events per
 * second for `--seconds` on the Redis `trade_events` channel (cycling: that trader on that coin,
 * reaching everyone; that trader on another coin, reaching the trader half; another trader on
 * that coin, reaching the coin half), and reports publish→receive latency p50/p99/max over every
 * delivery, deliveries received vs expected, the server's RSS and its CPU per delivery. At the
 * `--bare` client counts the same step runs against bench/gateway-bare-server.ts (Socket.IO and
 * one Redis subscription, nothing else) in its own process, for the CPU ratio.
 *
 * Prints `FIGURE gateway_cpu_ratio_vs_bare` (api CPU µs per delivered event / bare's, at the first
 * `--bare` step), `FIGURE gateway_delivered_share` (at that step), and per step
 * `FIGURE gateway_delivered_share_<n>`, `FIGURE gateway_api_rss_mb_<n>`, `FIGURE gateway_p50_ms_<n>`,
 * `FIGURE gateway_p99_ms_<n>` (and `bare_…` for the bare steps).
 *
 * File descriptors: every client is one socket in the server and one in a client process. The
 * server and the client processes are started under `ulimit -n <hard limit>` (they need about
 * clients + 200 and per-worker + 100); the bench stops with a message if the hard limit is lower.
 *
 * Needs Postgres and Redis as for the tests (TEST_PG_ADMIN_URL / TEST_REDIS_URL); creates and drops
 * its own database, and uses Redis logical database 15 (flushed).
 */
import { ChildProcess, execFileSync, fork, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import Redis from 'ioredis';
import { cpus } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { Client } from 'pg';
import { TradeEventsChannel } from '../src/redis/contracts/trade-events-channel';
import { freePort, sleep } from '../test/support/wait';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const STEPS = arg('clients', '5000,10000').split(',').map(Number);
const RATE = Number(arg('rate', '10'));
const SECONDS = Number(arg('seconds', '20'));
const LITE = arg('client', 'lite') !== 'socket.io';
/** Runs the bare server before the api at the --bare steps (to see whether the order matters). */
const BARE_FIRST = process.argv.includes('--bare-first');
const BARE_STEPS = new Set(arg('bare', String(STEPS[0])).split(',').map(Number));
const PER_WORKER = Number(arg('per-worker', '2500'));
/** Each step's connect phase and drain phase give up after these. */
const CONNECT_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = Number(arg('drain-seconds', '60')) * 1000;
const ROOT = join(__dirname, '..');
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/15`;

const now = (): number => performance.timeOrigin + performance.now();

interface WorkerReport {
  connected: number;
  errors: Record<string, number>;
  received: number;
  disconnects: number;
  reasons: Record<string, number>;
  histogram: Array<[number, number]>;
}

type ServerKind = 'api' | 'bare';

interface StepResult {
  kind: ServerKind;
  clients: number;
  connected: number;
  connectSeconds: number;
  published: number;
  expected: number;
  received: number;
  p50: number;
  p99: number;
  max: number;
  rssBeforeMb: number;
  rssConnectedMb: number;
  rssEndMb: number;
  perClientKb: number;
  heapPerClientKb: number;
  cpuPercent: number;
  disconnects: number;
  /** Why clients were disconnected (client side), and the api's own counts of slow / cut clients. */
  disconnectReasons: Record<string, number>;
  serverDrops: string;
  connectErrors: Record<string, number>;
  /** Server CPU time (user + system) from the first publish to the end of the drain, per delivery. */
  cpuUsPerDelivery: number;
}

function hardLimit(): number {
  return Number(execFileSync('bash', ['-c', 'ulimit -Hn']).toString().trim()) || 1024;
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** /proc/<pid>: resident set (MB) and CPU time (user + system, seconds). */
function procStats(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** The api's counts of clients it dropped as slow or cut for their rate, from /metrics. */
async function droppedByApi(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => /^gateway_(slow_clients_dropped|clients_rejected)_total\{/.test(l) && !/ 0$/.test(l));
  return lines.length > 0 ? lines.join('; ') : 'none';
}

async function heapUsedMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? 0) / 1024 / 1024;
}

/**
 * Starts `node dist/main.js` (ROLE=api), or the bare server, under the raised fd limit; resolves
 * when /health answers.
 */
async function startServer(kind: ServerKind, databaseName: string, limit: number): Promise<{ child: ChildProcess; url: string; pid: number }> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles both servers.
  const node = `exec "${process.execPath}" ${process.env.BENCH_SERVER_NODE_ARGS ?? ''}`;
  const command =
    kind === 'api' ? `${node} "${join(ROOT, 'dist/main.js')}"` : `${node} -r ts-node/register/transpile-only "${join(__dirname, 'gateway-bare-server.ts')}"`;
  const child = spawn('bash', ['-c', `ulimit -n ${limit} && ${command}`], {
    cwd: kind === 'api' ? '/tmp' : ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ROLE: 'api',
      PORT: String(port),
      DATABASE_URL: databaseUrl(databaseName),
      REDIS_URL,
      DB_MIGRATE: 'true',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
      LIVE_MAX_CONNECTIONS_PER_IP: '1000000', // every bench client comes from 127.0.0.1
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${kind} server did not start within 60 s`);
    await sleep(200);
  }
  return { child, url, pid: child.pid! };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function forkWorker(limit: number): ChildProcess {
  // Forked through bash so the fd limit applies to it (Node cannot raise its own).
  return fork(join(__dirname, 'gateway-client.ts'), [], {
    execPath: 'bash',
    execArgv: ['-c', `ulimit -n ${limit} && exec "${process.execPath}" -r ts-node/register/transpile-only "$0" "$@"`],
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function request<T>(worker: ChildProcess, msg: object, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not answer ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(m as T);
    };
    worker.on('message', onMessage);
    worker.send(msg);
  });
}

function quantile(hist: Map<number, number>, total: number, q: number): number {
  const target = Math.ceil(total * q);
  let seen = 0;
  for (const b of [...hist.keys()].sort((a, z) => a - z)) {
    seen += hist.get(b)!;
    if (seen >= target) return b < 10_000 ? (b + 1) / 10 : 1000 + (b - 10_000 + 1) * 10; // bucket upper bound, ms
  }
  return NaN;
}

function payload(id: number, address: string, coin: string): string {
  return JSON.stringify({
    id,
    trader_id: 1,
    trader_address: address,
    timestamp: new Date().toISOString(),
    event_type: 'position_increased',
    details: {
      coin,
      previous_size: '0.5',
      current_size: '0.75',
      size_change: '0.25',
      side: 'long',
      entry_price: '97250.5',
      mark_price: '97301',
      source: 'stream',
      bench_sent_at: now(),
    },
  });
}

const FOLLOWED_TRADER = `0x${'ab'.repeat(20)}`;
const OTHER_TRADER = `0x${'cd'.repeat(20)}`;
const FOLLOWED_COIN = 'BTC';
const OTHER_COIN = 'ETH';
/** The event cycle: [trader, coin, reaches the trader half, reaches the coin half]. */
const CYCLE: Array<[string, string, boolean, boolean]> = [
  [FOLLOWED_TRADER, FOLLOWED_COIN, true, true],
  [FOLLOWED_TRADER, OTHER_COIN, true, false],
  [OTHER_TRADER, FOLLOWED_COIN, false, true],
];

async function runStep(kind: ServerKind, clients: number, database: string, limit: number, redis: Redis, firstId: number): Promise<StepResult> {
  const server = await startServer(kind, database, limit);
  const workers: ChildProcess[] = [];
  try {
    await sleep(1000);
    const before = procStats(server.pid);
    const heapBefore = kind === 'api' ? await heapUsedMb(server.url) : 0;

    const shares: number[] = [];
    for (let left = clients; left > 0; left -= PER_WORKER) shares.push(Math.min(PER_WORKER, left));
    for (let i = 0; i < shares.length; i++) workers.push(forkWorker(PER_WORKER + 200));
    const started = Date.now();
    // Each worker connects half its share following the trader, then half following the coin. A
    // step whose clients do not all connect within the timeout goes on with those that did.
    const connectHalf = async (w: ChildProcess, count: number, subscribe: object): Promise<number> => {
      const r = await request<{ ok: number }>(w, { cmd: 'connect', url: server.url, count, concurrency: 50, subscribe, lite: LITE }, 'connected', CONNECT_TIMEOUT_MS);
      return r.ok;
    };
    const halves = await Promise.allSettled(
      workers.map(async (w, i) => {
        const byTrader = await connectHalf(w, Math.ceil(shares[i] / 2), { traders: [FOLLOWED_TRADER] });
        const byCoin = await connectHalf(w, Math.floor(shares[i] / 2), { coins: [FOLLOWED_COIN] });
        return { byTrader, byCoin };
      }),
    );
    const okTrader = halves.reduce((s, h) => s + (h.status === 'fulfilled' ? h.value.byTrader : 0), 0);
    const okCoin = halves.reduce((s, h) => s + (h.status === 'fulfilled' ? h.value.byCoin : 0), 0);
    const connectSeconds = (Date.now() - started) / 1000;
    const atConnect = await Promise.all(workers.map((w) => request<WorkerReport>(w, { cmd: 'report' }, 'report', 30_000)));
    const ok = okTrader + okCoin;
    const connectErrors: Record<string, number> = {};
    for (const r of atConnect) for (const [m, n] of Object.entries(r.errors)) connectErrors[m] = (connectErrors[m] ?? 0) + n;
    await sleep(2000); // let the server settle after the connection burst
    const heapConnected = kind === 'api' ? await heapUsedMb(server.url) : 0;
    const atConnected = procStats(server.pid);

    // Publish at a fixed rate (drift-corrected schedule).
    const total = RATE * SECONDS;
    let expected = 0;
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const [address, coin, toTraders, toCoins] = CYCLE[i % CYCLE.length];
      expected += (toTraders ? okTrader : 0) + (toCoins ? okCoin : 0);
      await redis.publish(TradeEventsChannel.channel, payload(firstId + i, address, coin));
    }
    const afterPublish = procStats(server.pid);
    const cpuPercent = (100 * (afterPublish.cpuSeconds - atConnected.cpuSeconds)) / ((Date.now() - t0) / 1000);

    // Drain: until every connected client has every event, or the drain timeout.
    let reports: WorkerReport[] = [];
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      reports = await Promise.all(workers.map((w) => request<WorkerReport>(w, { cmd: 'report' }, 'report', 30_000)));
      const received = reports.reduce((s, r) => s + r.received, 0);
      if (received >= expected || Date.now() > drainDeadline) break;
      await sleep(500);
    }
    const afterDrain = procStats(server.pid);
    const disconnectReasons: Record<string, number> = {};
    for (const r of reports) for (const [m, n] of Object.entries(r.reasons ?? {})) disconnectReasons[m] = (disconnectReasons[m] ?? 0) + n;
    const serverDrops = kind === 'api' ? await droppedByApi(server.url) : 'n/a';
    const hist = new Map<number, number>();
    for (const r of reports) for (const [b, n] of r.histogram) hist.set(b, (hist.get(b) ?? 0) + n);
    const received = reports.reduce((s, r) => s + r.received, 0);
    const maxBucket = Math.max(...hist.keys());
    return {
      kind,
      clients,
      connected: ok,
      connectSeconds,
      published: total,
      expected,
      received,
      p50: quantile(hist, received, 0.5),
      p99: quantile(hist, received, 0.99),
      max: maxBucket < 10_000 ? (maxBucket + 1) / 10 : 1000 + (maxBucket - 10_000 + 1) * 10,
      rssBeforeMb: before.rssMb,
      rssConnectedMb: atConnected.rssMb,
      rssEndMb: afterDrain.rssMb,
      perClientKb: ((atConnected.rssMb - before.rssMb) * 1024) / Math.max(1, ok),
      heapPerClientKb: ((heapConnected - heapBefore) * 1024) / Math.max(1, ok),
      cpuPercent,
      disconnects: reports.reduce((s, r) => s + r.disconnects, 0),
      disconnectReasons,
      serverDrops,
      connectErrors,
      cpuUsPerDelivery: (1e6 * (afterDrain.cpuSeconds - atConnected.cpuSeconds)) / Math.max(1, received),
    };
  } finally {
    for (const w of workers) {
      if (w.connected) w.send({ cmd: 'close' });
    }
    await Promise.all(workers.map((w) => (w.exitCode !== null ? undefined : Promise.race([new Promise((r) => w.once('exit', r)), sleep(5000)]))));
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await stopServer(server.child);
  }
}

function printTable(results: StepResult[]): void {
  const header = [
    'server',
    'clients',
    'connected',
    'connect s',
    'events',
    'delivered/expected',
    'p50 ms',
    'p99 ms',
    'max ms',
    'server RSS MB (idle→connected→end)',
    'RSS/client KB',
    'heap/client KB',
    'server CPU % while publishing',
    'server CPU µs/delivery',
    'disconnects',
  ];
  const rows = results.map((r) => [
    r.kind,
    String(r.clients),
    r.connected < r.clients ? `${r.connected} (connect timed out)` : String(r.connected),
    r.connectSeconds.toFixed(1),
    String(r.published),
    `${r.received}/${r.expected}${r.received < r.expected ? ' (drain timed out)' : ''}`,
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.max.toFixed(1),
    `${r.rssBeforeMb.toFixed(0)}→${r.rssConnectedMb.toFixed(0)}→${r.rssEndMb.toFixed(0)}`,
    r.perClientKb.toFixed(1),
    r.kind === 'api' ? r.heapPerClientKb.toFixed(1) : 'n/a',
    r.cpuPercent.toFixed(0),
    r.cpuUsPerDelivery.toFixed(1),
    String(r.disconnects),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

function printFigures(results: StepResult[]): void {
  const figure = (name: string, value: number, digits = 3) => process.stdout.write(`FIGURE ${name} ${value.toFixed(digits)}\n`);
  const share = (r: StepResult) => r.received / Math.max(1, r.expected);
  for (const r of results) {
    const prefix = r.kind === 'api' ? 'gateway' : 'bare';
    figure(`${prefix}_delivered_share_${r.clients}`, share(r));
    figure(`${prefix}_p50_ms_${r.clients}`, r.p50, 1);
    figure(`${prefix}_p99_ms_${r.clients}`, r.p99, 1);
    figure(`${prefix}_cpu_us_per_delivery_${r.clients}`, r.cpuUsPerDelivery, 2);
    figure(`${prefix === 'gateway' ? 'gateway_api' : 'bare'}_rss_mb_${r.clients}`, r.rssConnectedMb, 0);
  }
  const api = results.find((r) => r.kind === 'api' && BARE_STEPS.has(r.clients));
  const bare = results.find((r) => r.kind === 'bare' && r.clients === api?.clients);
  if (api && bare) {
    process.stdout.write(`(at ${api.clients} clients, same run)\n`);
    figure('gateway_cpu_ratio_vs_bare', api.cpuUsPerDelivery / bare.cpuUsPerDelivery);
    figure('gateway_delivered_share', share(api));
    figure('gateway_p99_ms', api.p99, 1);
    figure('bare_p99_ms', bare.p99, 1);
  }
}

async function main(): Promise<void> {
  const limit = hardLimit();
  const needed = Math.max(...STEPS) + 500;
  if (limit < needed) {
    process.stderr.write(`the hard fd limit (ulimit -Hn) is ${limit}; ${needed} are needed for ${Math.max(...STEPS)} clients\n`);
    process.exit(1);
  }
  process.stdout.write(
    `gateway bench: ${STEPS.join(' / ')} Socket.IO clients (half following one trader, half one coin), ${RATE} events/s for ${SECONDS} s, ` +
      `bare baseline at ${[...BARE_STEPS].join(' / ')}, ` +
      `${PER_WORKER} clients per client process (${LITE ? 'lite' : 'socket.io-client'}), fd limit ${limit}, ${cpus().length} CPUs\n`,
  );
  const database = `ts_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${database}"`);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  const results: StepResult[] = [];
  try {
    // Pub/sub channels are server-wide: other processes on this Redis (tests, a dev stack) may
    // publish small ids, which the gateway would take for duplicates of ours. Start far above them.
    let firstId = 1e12 + Math.floor(Math.random() * 1e9) * 1000;
    for (const clients of STEPS) {
      const pair: ServerKind[] = BARE_FIRST ? ['bare', 'api'] : ['api', 'bare'];
      for (const kind of BARE_STEPS.has(clients) ? pair : (['api'] as const)) {
        process.stdout.write(`… ${kind}: ${clients} clients\n`);
        const r = await runStep(kind, clients, database, limit, redis, firstId);
        firstId += r.published;
        results.push(r);
        process.stdout.write(
          `  connected ${r.connected} in ${r.connectSeconds.toFixed(1)} s; delivered ${r.received}/${r.expected}; ` +
            `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${r.cpuUsPerDelivery.toFixed(2)} µs CPU per delivery; ` +
            `RSS ${r.rssConnectedMb.toFixed(0)} MB; ${r.disconnects} disconnected during the step ${JSON.stringify(r.disconnectReasons)}, ` +
            `server drops: ${r.serverDrops}; connect errors ${JSON.stringify(r.connectErrors)}\n`,
        );
      }
    }
  } finally {
    redis.disconnect();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
  printTable(results);
  printFigures(results);
  process.stdout.write(
    '\nLatency: Redis PUBLISH in this process → `trade_event` handler in a client process (same clock), ' +
      'histogram resolution 0.1 ms (upper bucket bounds). RSS/client: server RSS growth from idle to all ' +
      'clients connected, divided by clients. CPU µs/delivery: server CPU time (user + system, any ' +
      'contention excluded) from the first publish to the end of the drain, per event delivered to a client; ' +
      '1e6 / it is one core\'s delivery capacity per second.\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
