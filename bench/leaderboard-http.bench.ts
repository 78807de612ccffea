/**
 * Latency of cached leaderboard requests under 200 concurrent clients.
 *
 *   npm run build && npm run bench:leaderboard:http [-- --traders 20000 --connections 200 --seconds 20 --db <kept db>]
 *
 * Creates a database with a synthetic board (bench/leaderboard-data.ts) and one leaderboard
 * generation, starts a private redis-server (or uses BENCH_REDIS_URL), starts the production entry (`node dist/main.js`, ROLE=api) on it, warms the cache
 * with a set of parameter combinations, then drives them with autocannon (200 connections, each
 * request a cache hit) and prints the latency percentiles, throughput and the cache counters.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DEFAULT_LEADERBOARD_WEIGHTS } from '../src/config/env.schema';
import { dataSourceOptions } from '../src/database/data-source.options';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { LeaderboardComputeRepository } from '../src/leaderboard/leaderboard-compute.repository';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from '../src/leaderboard/leaderboard-fields';
import { generateDataset } from './leaderboard-data';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const ROOT = join(__dirname, '..');
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Default: a private redis-server on a free port (the tests flush the shared one's databases). */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? '';
const traders = Number(arg('traders', '20000'));
const connections = Number(arg('connections', '200'));
const seconds = Number(arg('seconds', '20'));
const reuse = arg('db', '');

/** The parameter sets the clients cycle through (each warmed first, so every request is a cache hit). */
const PATHS = [
  '/api/v1/leaderboard',
  '/api/v1/leaderboard?page=2',
  '/api/v1/leaderboard?window=7d',
  '/api/v1/leaderboard?window=30d&sort_by=roi',
  '/api/v1/leaderboard?window=1d&sort_by=total_volume_usd&limit=100',
  '/api/v1/leaderboard?sort_by=win_rate&order=asc&min_trades=20',
  '/leaderboard?limit=20',
  '/api/v1/leaderboard?window=all&sort_by=max_drawdown&order=asc&limit=25',
];

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

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  const name = reuse || `ts_bench_lbhttp_${Date.now()}`;
  const url = dbUrl(name);
  if (!reuse) {
    await admin(`CREATE DATABASE "${name}"`);
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

  let redisUrl = REDIS_URL;
  let redis: ReturnType<typeof spawn> | null = null;
  if (!redisUrl) {
    const redisPort = 30000 + Math.floor(Math.random() * 20000);
    redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    await new Promise((r) => setTimeout(r, 300));
  }
  const port = 30000 + Math.floor(Math.random() * 20000);
  const api = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    cwd: '/tmp',
    env: {
      PATH: process.env.PATH ?? '',
      ROLE: 'api',
      PORT: String(port),
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error('the api did not start');
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const p of PATHS) {
      const res = await fetch(base + p);
      if (!res.ok) throw new Error(`${p} answered ${res.status}`);
      await res.text();
    }
    const hits = await metric(base, 'leaderboard_cache_hits_total');
    const misses = await metric(base, 'leaderboard_cache_misses_total');
    console.log(`autocannon: ${connections} connections, ${seconds} s, ${PATHS.length} cached parameter sets against ROLE=api (node dist/main.js)`);
    const result = await autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: PATHS.map((path) => ({ method: 'GET', path })),
    });
    const l = result.latency;
    console.log(
      `latency ms: p50 ${l.p50}, p90 ${l.p90}, p99 ${l.p99}, max ${l.max}; ` +
        `${Math.round(result.requests.average)} req/s; ${result.requests.total} requests, ` +
        `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
    const newHits = (await metric(base, 'leaderboard_cache_hits_total')) - hits;
    const newMisses = (await metric(base, 'leaderboard_cache_misses_total')) - misses;
    console.log(`cache during the run: ${newHits} hits, ${newMisses} misses`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    redis?.kill('SIGTERM');
    if (!reuse) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
