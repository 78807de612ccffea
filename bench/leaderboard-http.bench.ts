/**
 * The cached leaderboard page against the bare runtime, in the same run.
 *
 *   npm run build && npm run bench:leaderboard:http [-- --traders 20000 --connections 200 --seconds 20 --db <kept db>
 *                                                       --path '/api/v1/leaderboard?limit=100' --prof <dir>]
 *
 * Creates a database with a synthetic board (bench/leaderboard-data.ts) and one leaderboard
 * generation, starts a private redis-server (or uses BENCH_REDIS_URL), starts the production entry
 * (`node dist/main.js`, ROLE=api) on it and warms the page. Then a bare `node:http` server in its
 * own process answers the very same bytes (body and Content-Type as the api sent them), and
 * autocannon warms both up (3 s each), then drives each in turn (bare, api, bare, api: the halves of each pair share the machine's
 * load) with the same connections and duration. Printed per server: requests/s, latency p50/p99 and
 * the server process's CPU per request (utime + stime from /proc), and the api / bare ratios (means
 * of the two runs of each).
 * `--prof <dir>` runs the api and the bare server with `--cpu-prof` (profiles written when they stop).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DEFAULT_LEADERBOARD_WEIGHTS } from '../src/config/env.schema';
import { dataSourceOptions } from '../src/database/data-source.options';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { LeaderboardComputeRepository } from '../src/leaderboard/leaderboard-compute.repository';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from '../src/leaderboard/leaderboard-fields';
import { generateDataset } from './leaderboard-data';
import { freePort, procSample, ROOT, sleep, startApp, stopProcess } from './support/processes';
import { machineLine } from './support/report';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Default: a private redis-server on a free port (the tests flush the shared one's databases). */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? '';
const traders = Number(arg('traders', '20000'));
const connections = Number(arg('connections', '200'));
const seconds = Number(arg('seconds', '20'));
const reuse = arg('db', '');
const path = arg('path', '/api/v1/leaderboard?limit=100');
const profDir = arg('prof', '');

/** The bare server: one process, the body read once, every request answered with it. */
const BARE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(process.argv[1]);
const type = process.argv[2];
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
});
server.listen(Number(process.argv[3]), '127.0.0.1', () => process.stdout.write('listening\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function databaseExists(db: string): Promise<boolean> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rowCount === 1;
  } finally {
    await c.end();
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

async function createBoard(url: string): Promise<void> {
  await runMigrationsWithLock(url, { log: () => undefined } as never);
  const client = new Client({ connectionString: url });
  await client.connect();
  console.log(`dataset: ${traders.toLocaleString('en-US')} traders`);
  await generateDataset(client, traders, new Date());
  await client.end();
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 2 } }));
  await ds.initialize();
  const gen = await new LeaderboardComputeRepository(ds).compute({
    weights: { ...DEFAULT_LEADERBOARD_WEIGHTS },
    includeVaults: false,
    minTrades: DEFAULT_MIN_TRADES,
    minVolumeUsd: DEFAULT_MIN_VOLUME_USD,
    workMem: '256MB',
  });
  await ds.destroy();
  console.log(`generation ${gen?.id}: ${gen?.count.toLocaleString('en-US')} traders, ${gen?.rows.toLocaleString('en-US')} rows`);
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  cpuUsPerRequest: number;
  /** Share of that CPU spent in the kernel (stime). */
  sysShare: number;
  bytesPerResponse: number;
  bad: number;
}

/** utime and stime of a process, seconds. */
function cpuTimes(pid: number): [number, number] {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(f[11]) / 100, Number(f[12]) / 100];
}

/** autocannon against `base` while reading the server process's CPU time. */
async function drive(base: string, pid: number): Promise<Run> {
  const [u0, s0] = cpuTimes(pid);
  const result = await autocannon({ url: base + path, connections, duration: seconds });
  const [u1, s1] = cpuTimes(pid);
  const cpu = u1 - u0 + (s1 - s0);
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    cpuUsPerRequest: (cpu * 1e6) / Math.max(1, requests),
    sysShare: cpu > 0 ? (s1 - s0) / cpu : 0,
    bytesPerResponse: result.throughput.total / Math.max(1, requests),
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

async function startBare(body: Buffer, contentType: string): Promise<{ base: string; pid: number; stop(): Promise<unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lbhttp-'));
  writeFileSync(join(dir, 'body'), body);
  const port = await freePort();
  const child = spawn(process.execPath, [...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), '-e', BARE_SERVER, join(dir, 'body'), contentType, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopProcess(child, 3000) };
}

function line(name: string, r: Run): string {
  return (
    `${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.cpuUsPerRequest.toFixed(1)} µs CPU/request (${Math.round(r.sysShare * 100)} % kernel), ` +
    `${r.requests} requests, ${Math.round(r.bytesPerResponse)} bytes/response, ${r.bad} non-2xx/errors/timeouts`
  );
}

function figure(name: string, value: number, digits = 2): void {
  console.log(`FIGURE ${name} ${value.toFixed(digits)}`);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  console.log(`leaderboard http bench: ${machineLine()}`);
  const name = reuse || `ts_bench_lbhttp_${Date.now()}`;
  const url = dbUrl(name);
  // --db <name>: kept between runs (created and filled by the first).
  const exists = reuse ? await databaseExists(reuse) : false;
  if (!exists) {
    await admin(`CREATE DATABASE "${name}"`);
    await createBoard(url);
  }

  let redisUrl = REDIS_URL;
  let redis: ReturnType<typeof spawn> | null = null;
  if (!redisUrl) {
    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    await sleep(300);
  }
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = await startApp('api', { DATABASE_URL: url, REDIS_URL: redisUrl, THROTTLE_LIMIT_PER_MINUTE: '1000000' }, nodeArgs);
  let bare: Awaited<ReturnType<typeof startBare>> | null = null;
  try {
    const warm = await fetch(api.url + path);
    if (!warm.ok) throw new Error(`${path} answered ${warm.status}`);
    const body = Buffer.from(await warm.arrayBuffer());
    const contentType = warm.headers.get('content-type') ?? 'application/json';
    bare = await startBare(body, contentType);
    const check = Buffer.from(await (await fetch(bare.base + path)).arrayBuffer());
    if (!check.equals(body) || !Buffer.from(await (await fetch(api.url + path)).arrayBuffer()).equals(body)) {
      throw new Error('the bare server and the api do not answer the same bytes');
    }
    console.log(`page ${path}: ${body.length.toLocaleString('en-US')} bytes, ${contentType}`);
    const hits = await metric(api.url, 'leaderboard_cache_hits_total');
    const misses = await metric(api.url, 'leaderboard_cache_misses_total');
    console.log(`autocannon: ${connections} connections, ${seconds} s per run; bare, api, bare, api (api pid ${api.pid}, bare pid ${bare.pid})`);
    // Warm-up (JIT, connection pools) of both, not measured.
    for (const base of [bare.base, api.url]) await autocannon({ url: base + path, connections, duration: 3 });
    const runs: Array<{ bare: Run; api: Run }> = [];
    for (let i = 0; i < 2; i++) {
      const idle = procSample(api.pid).cpuSeconds;
      const b = await drive(bare.base, bare.pid);
      console.log(line('  bare node:http', b));
      console.log(`  (the api meanwhile, idle: ${(((procSample(api.pid).cpuSeconds - idle) / seconds) * 100).toFixed(1)} % of a core)`);
      const a = await drive(api.url, api.pid);
      console.log(line('  api (ROLE=api) ', a));
      runs.push({ bare: b, api: a });
    }
    console.log(
      `cache during the runs: ${(await metric(api.url, 'leaderboard_cache_hits_total')) - hits} hits, ` +
        `${(await metric(api.url, 'leaderboard_cache_misses_total')) - misses} misses`,
    );
    const total = (pick: (r: { bare: Run; api: Run }) => Run) => {
      const rs = runs.map(pick);
      const requests = rs.reduce((s, r) => s + r.requests, 0);
      return {
        rps: rs.reduce((s, r) => s + r.rps, 0) / rs.length,
        cpu: rs.reduce((s, r) => s + r.cpuUsPerRequest * r.requests, 0) / Math.max(1, requests),
        p50: rs.reduce((s, r) => s + r.p50, 0) / rs.length,
        p99: rs.reduce((s, r) => s + r.p99, 0) / rs.length,
      };
    };
    const a = total((r) => r.api);
    const b = total((r) => r.bare);
    figure('http_rps_api', a.rps, 0);
    figure('http_rps_bare', b.rps, 0);
    figure('http_p50_ms_api', a.p50, 0);
    figure('http_p50_ms_bare', b.p50, 0);
    figure('http_p99_ms_api', a.p99, 0);
    figure('http_p99_ms_bare', b.p99, 0);
    figure('http_cpu_us_per_request_api', a.cpu, 1);
    figure('http_cpu_us_per_request_bare', b.cpu, 1);
    figure('http_rps_ratio_vs_bare', a.rps / b.rps);
    figure('http_cpu_ratio_vs_bare', a.cpu / b.cpu);
  } finally {
    await bare?.stop();
    await api.stop();
    redis?.kill('SIGTERM');
    if (!reuse) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
