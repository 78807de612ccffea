/**
 * The backtest route's time (issue 19): `POST /api/v1/copy/simulate` of a leader with 10,000
 * stored fills, through the production entry (`node dist/main.js`, ROLE=api; run `npm run build`
 * first). A fresh migrated database gets one leader (bench's seed: three coins in open / increase
 * / decrease / close cycles over six days, an hourly account value series), a private redis-server
 * is started (or BENCH_REDIS_URL used); after one warm-up request, `runs` timed requests
 * (proportional sizing, 30 days). Prints `FIGURE copy_simulate_ms <median>`.
 */
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { runMigrationsWithLock } from '../src/database/migration-runner';
import { insertTrader, randomAddress, seedBusyLeader } from '../test/copy/leader-fills';
import { freePort, sleep, startApp, stopProcess } from './support/processes';
import { machineLine } from './support/report';

function dbUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(admin: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function benchCopySimulate(adminUrl: string, opts: { fills?: number; runs?: number } = {}): Promise<number> {
  const fills = opts.fills ?? 10_000;
  const runs = opts.runs ?? 5;
  console.log(`\n=== copy simulate: a leader with ${fills.toLocaleString('en-US')} fills (${machineLine()}) ===`);
  const name = `ts_bench_simulate_${Date.now()}`;
  await withAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  const url = dbUrl(adminUrl, name);
  let redis: ReturnType<typeof spawn> | null = null;
  let api: Awaited<ReturnType<typeof startApp>> | null = null;
  try {
    await runMigrationsWithLock(url, { log: () => undefined } as never);
    const c = new Client({ connectionString: url });
    c.on('error', () => undefined); // the final DROP … WITH (FORCE) ends it if a step failed
    await c.connect();
    const leader = randomAddress();
    const id = await insertTrader(c, leader, { accountValue: 250_000 });
    const now = Date.now();
    await seedBusyLeader(c, id, fills, now - 60_000);
    await c.query(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
       SELECT $1, to_timestamp(($2::float8 - i * 3600000.0) / 1000.0), 250000 + 1000 * sin(i), 0 FROM generate_series(0, 24 * 30) i`,
      [id, now],
    );
    await c.query('ANALYZE trader_fills');
    await c.end();

    let redisUrl = process.env.BENCH_REDIS_URL ?? '';
    if (!redisUrl) {
      const port = await freePort();
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      redisUrl = `redis://127.0.0.1:${port}`;
      await sleep(300);
    }
    api = await startApp('api', { DATABASE_URL: url, REDIS_URL: redisUrl, THROTTLE_LIMIT_PER_MINUTE: '1000000' });
    const body = JSON.stringify({ leader, sizing: 'proportional', multiplier: 2, equity_usd: 25_000, window: '30d' });
    const post = async (): Promise<{ ms: number; result: { leader_fills: number; orders: number; pnl_usd: number } }> => {
      const started = performance.now();
      const res = await fetch(`${api!.url}/api/v1/copy/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const result = (await res.json()) as { leader_fills: number; orders: number; pnl_usd: number };
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`simulate answered ${res.status}: ${JSON.stringify(result)}`);
      return { ms, result };
    };
    const warm = await post();
    console.log(`warm-up: ${warm.ms.toFixed(0)} ms; ${warm.result.leader_fills} fills replayed, ${warm.result.orders} orders, PnL ${warm.result.pnl_usd} USD`);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await post()).ms);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`${runs} runs (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
    console.log(`FIGURE copy_simulate_ms ${median.toFixed(0)}`);
    return median;
  } catch (err) {
    if (api) console.error(api.output());
    throw err;
  } finally {
    if (api) await api.stop();
    if (redis) await stopProcess(redis, 2000);
    await withAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
