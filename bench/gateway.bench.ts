/**
 * Socket.IO fan-out of one api process.
 *
 *   npm run bench:gateway [-- --clients 1000,5000,10000 --rate 50 --seconds 10 --per-worker 2500]
 *
 * For each client count, on a fresh `ROLE=api node dist/main.js` (its own process, so client load
 * and server are measured apart; run `npm run build` first): connects that many socket.io-client
 * clients (websocket transport, unsubscribed, so each receives every event) from forked client
 * processes (`--per-worker` clients each), publishes `--rate` trade events per second for
 * `--seconds` on the Redis `trade_events` channel, and reports publish→receive latency p50/p99/max
 * over every delivery, deliveries received vs expected, the server's RSS growth per client and its
 * CPU share while publishing.
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
import { createServer } from 'net';
import { cpus } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { Client } from 'pg';
import { RedisKeys } from '../src/redis/redis-keys';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const STEPS = arg('clients', '1000,5000,10000').split(',').map(Number);
const RATE = Number(arg('rate', '50'));
const SECONDS = Number(arg('seconds', '10'));
const PER_WORKER = Number(arg('per-worker', '2500'));
/** Each step's connect phase and drain phase give up after these. */
const CONNECT_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 30_000;
const ROOT = join(__dirname, '..');
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/15`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();

interface WorkerReport {
  connected: number;
  errors: Record<string, number>;
  received: number;
  disconnects: number;
  histogram: Array<[number, number]>;
}

interface StepResult {
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
  perClientKb: number;
  heapPerClientKb: number;
  cpuPercent: number;
  disconnects: number;
  connectErrors: Record<string, number>;
  /** Server CPU time (user + system) from the first publish to the end of the drain, per delivery. */
  cpuUsPerDelivery: number;
}

function hardLimit(): number {
  return Number(execFileSync('bash', ['-c', 'ulimit -Hn']).toString().trim()) || 1024;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
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

async function heapUsedMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? 0) / 1024 / 1024;
}

/** Starts `node dist/main.js` (ROLE=api) under the raised fd limit; resolves when /health answers. */
async function startServer(databaseName: string, limit: number): Promise<{ child: ChildProcess; url: string; pid: number }> {
  const port = await freePort();
  const child = spawn('bash', ['-c', `ulimit -n ${limit} && exec "${process.execPath}" "${join(ROOT, 'dist/main.js')}"`], {
    cwd: '/tmp',
    env: {
      PATH: process.env.PATH ?? '',
      ROLE: 'api',
      PORT: String(port),
      DATABASE_URL: databaseUrl(databaseName),
      REDIS_URL,
      DB_MIGRATE: 'true',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('api did not start within 60 s');
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

function payload(id: number, address: string): string {
  return JSON.stringify({
    id,
    trader_id: 1,
    trader_address: address,
    timestamp: new Date().toISOString(),
    event_type: 'position_increased',
    details: {
      coin: 'BTC',
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

async function runStep(clients: number, database: string, limit: number, redis: Redis, firstId: number): Promise<StepResult> {
  const server = await startServer(database, limit);
  const workers: ChildProcess[] = [];
  try {
    await sleep(1000);
    const before = procStats(server.pid);
    const heapBefore = await heapUsedMb(server.url);

    const shares: number[] = [];
    for (let left = clients; left > 0; left -= PER_WORKER) shares.push(Math.min(PER_WORKER, left));
    for (let i = 0; i < shares.length; i++) workers.push(forkWorker(PER_WORKER + 200));
    const started = Date.now();
    // A step whose clients do not all connect within the timeout goes on with those that did.
    await Promise.allSettled(
      workers.map((w, i) =>
        request<{ ok: number; failed: number }>(w, { cmd: 'connect', url: server.url, count: shares[i], concurrency: 50 }, 'connected', CONNECT_TIMEOUT_MS),
      ),
    );
    const connectSeconds = (Date.now() - started) / 1000;
    const atConnect = await Promise.all(workers.map((w) => request<WorkerReport>(w, { cmd: 'report' }, 'report', 30_000)));
    const ok = atConnect.reduce((s, r) => s + r.connected, 0);
    const connectErrors: Record<string, number> = {};
    for (const r of atConnect) for (const [m, n] of Object.entries(r.errors)) connectErrors[m] = (connectErrors[m] ?? 0) + n;
    await sleep(2000); // let the server settle after the connection burst
    const heapConnected = await heapUsedMb(server.url);
    const atConnected = procStats(server.pid);

    // Publish at a fixed rate (drift-corrected schedule).
    const address = `0x${randomBytes(20).toString('hex')}`;
    const total = RATE * SECONDS;
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      await redis.publish(RedisKeys.tradeEventsChannel, payload(firstId + i, address));
    }
    const afterPublish = procStats(server.pid);
    const cpuPercent = (100 * (afterPublish.cpuSeconds - atConnected.cpuSeconds)) / ((Date.now() - t0) / 1000);

    // Drain: until every connected client has every event, or the drain timeout.
    const expected = ok * total;
    let reports: WorkerReport[] = [];
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      reports = await Promise.all(workers.map((w) => request<WorkerReport>(w, { cmd: 'report' }, 'report', 30_000)));
      const received = reports.reduce((s, r) => s + r.received, 0);
      if (received >= expected || Date.now() > drainDeadline) break;
      await sleep(500);
    }
    const afterDrain = procStats(server.pid);
    const hist = new Map<number, number>();
    for (const r of reports) for (const [b, n] of r.histogram) hist.set(b, (hist.get(b) ?? 0) + n);
    const received = reports.reduce((s, r) => s + r.received, 0);
    const maxBucket = Math.max(...hist.keys());
    return {
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
      perClientKb: ((atConnected.rssMb - before.rssMb) * 1024) / Math.max(1, ok),
      heapPerClientKb: ((heapConnected - heapBefore) * 1024) / Math.max(1, ok),
      cpuPercent,
      disconnects: reports.reduce((s, r) => s + r.disconnects, 0),
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
    'clients',
    'connected',
    'connect s',
    'events',
    'delivered/expected',
    'p50 ms',
    'p99 ms',
    'max ms',
    'server RSS MB (idle→connected)',
    'RSS/client KB',
    'heap/client KB',
    'server CPU % while publishing',
    'server CPU µs/delivery',
    'disconnects',
  ];
  const rows = results.map((r) => [
    String(r.clients),
    r.connected < r.clients ? `${r.connected} (connect timed out)` : String(r.connected),
    r.connectSeconds.toFixed(1),
    String(r.published),
    `${r.received}/${r.expected}${r.received < r.expected ? ' (drain timed out)' : ''}`,
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.max.toFixed(1),
    `${r.rssBeforeMb.toFixed(0)}→${r.rssConnectedMb.toFixed(0)}`,
    r.perClientKb.toFixed(1),
    r.heapPerClientKb.toFixed(1),
    r.cpuPercent.toFixed(0),
    r.cpuUsPerDelivery.toFixed(1),
    String(r.disconnects),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

async function main(): Promise<void> {
  const limit = hardLimit();
  const needed = Math.max(...STEPS) + 500;
  if (limit < needed) {
    process.stderr.write(`the hard fd limit (ulimit -Hn) is ${limit}; ${needed} are needed for ${Math.max(...STEPS)} clients\n`);
    process.exit(1);
  }
  process.stdout.write(
    `gateway bench: ${STEPS.join(' / ')} Socket.IO clients, ${RATE} events/s for ${SECONDS} s, ` +
      `${PER_WORKER} clients per client process, fd limit ${limit}, ${cpus().length} CPUs\n`,
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
      process.stdout.write(`… ${clients} clients\n`);
      const r = await runStep(clients, database, limit, redis, firstId);
      firstId += r.published;
      results.push(r);
      process.stdout.write(
        `  connected ${r.connected} in ${r.connectSeconds.toFixed(1)} s; delivered ${r.received}/${r.expected}; ` +
          `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${r.perClientKb.toFixed(1)} KB RSS per client; ` +
          `${r.disconnects} disconnected during the step; connect errors ${JSON.stringify(r.connectErrors)}\n`,
      );
    }
  } finally {
    redis.disconnect();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
  printTable(results);
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
