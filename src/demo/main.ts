import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { config as loadDotenv } from 'dotenv';
import { createWriteStream, mkdirSync } from 'fs';
import { createServer } from 'net';
import { join, resolve } from 'path';
import { startSimulator } from '../simulator';
import type { SimulatorHandle } from '../simulator/types';
import { createDemoFollower, DemoApi, DemoFollower, followerStatus } from './demo-follower';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/**
 * `npm run demo`: the whole system on a machine with only Node. Starts the Hyperliquid simulator
 * in this process; PostgreSQL too when DATABASE_URL is unset (PGlite, data under
 * DEMO_DATA_DIR/pglite); in-process Redis stand-ins when REDIS_URL is unset (REDIS_URL=memory://);
 * then the app (`node dist/main.js`, ROLE=all) as a child process. Prints the URLs and a status
 * line every 10 s; once the leaderboard has a generation, starts a paper follower of its top
 * trader (demo-follower.ts). Ctrl-C / SIGTERM stops the app (graceful, ≤ 10 s), then the rest.
 */

const STATUS_EVERY_MS = 10_000;
const FOLLOWER_RETRY_MS = 5_000;
const CHILD_STOP_MS = 12_000;

const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);
const say = (line: string) => process.stdout.write(`${line}\n`);
const clock = () => new Date().toISOString().slice(11, 19);

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

async function preferredPort(preferred: number): Promise<number> {
  return (await portFree(preferred)) ? preferred : 0;
}

interface Running {
  sim: SimulatorHandle | null;
  pg: EmbeddedPostgres | null;
  app: ChildProcess | null;
  statusTimer: NodeJS.Timeout | null;
  followerTimer: NodeJS.Timeout | null;
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const root = resolve(__dirname, '..', '..');
  const dataDir = resolve(env('DEMO_DATA_DIR') ?? join(process.cwd(), '.data'));
  mkdirSync(dataDir, { recursive: true });
  const running: Running = { sim: null, pg: null, app: null, statusTimer: null, followerTimer: null };
  let stopping = false;

  const stop = async (code: number, why: string): Promise<never> => {
    if (!stopping) {
      stopping = true;
      say(`\n[demo] stopping (${why})…`);
      if (running.statusTimer) clearInterval(running.statusTimer);
      if (running.followerTimer) clearTimeout(running.followerTimer);
      await stopChild(running.app);
      await running.sim?.close().catch(() => undefined);
      await running.pg?.close().catch((err: Error) => say(`[demo] embedded Postgres close failed: ${err.message}`));
      say('[demo] stopped');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0, 'SIGINT'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));

  const started = Date.now();
  const tradeRate = Number(env('DEMO_TRADE_RATE') ?? 20);
  running.sim = await startSimulator({
    port: await preferredPort(Number(env('DEMO_SIMULATOR_PORT') ?? 8080)),
    tradeRate,
    traders: Number(env('DEMO_TRADERS') ?? 200),
  });

  let databaseUrl = env('DATABASE_URL');
  if (!databaseUrl) {
    running.pg = await startEmbeddedPostgres(join(dataDir, 'pglite'));
    databaseUrl = running.pg.url;
  }
  const redisUrl = env('REDIS_URL') ?? 'memory://';
  const appPort = env('PORT') ?? String(await preferredPort(3000));
  const logPath = join(dataDir, 'app.log');
  // The demo's own follower is created with the admin key: the configured one, else one for this run only.
  const adminKey = env('ADMIN_API_KEY') ?? randomBytes(24).toString('base64url');

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ROLE: 'all',
    PORT: appPort,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    HYPERLIQUID_API_URL: running.sim.httpUrl,
    WEBSOCKET_URL: running.sim.wsUrl,
    EXCHANGE_LEADERBOARD_URL: env('EXCHANGE_LEADERBOARD_URL') ?? `${running.sim.httpUrl}/Mainnet/leaderboard`,
    TRACKING_INTERVAL_SECONDS: env('TRACKING_INTERVAL_SECONDS') ?? '15',
    LEADERBOARD_INTERVAL_SECONDS: env('LEADERBOARD_INTERVAL_SECONDS') ?? '30',
    LOG_LEVEL: env('LOG_LEVEL') ?? 'info',
    ADMIN_API_KEY: adminKey,
    COPY_RECONCILE_SECONDS: env('COPY_RECONCILE_SECONDS') ?? '10',
    // One Postgres session behind the embedded server: a small pool is plenty.
    ...(running.pg && !env('DB_POOL_MAX') ? { DB_POOL_MAX: '4' } : {}),
  };
  const app = spawn(process.execPath, [join(root, 'dist', 'main.js')], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.app = app;
  const log = createWriteStream(logPath, { flags: 'a' });
  const url = await new Promise<string>((resolveUrl, reject) => {
    // stdout: JSON log lines (warnings and errors are echoed); stderr: anything (echoed).
    const follow = (stream: NodeJS.ReadableStream | null, isStderr: boolean) => {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          onLine(buffered.slice(0, nl), isStderr);
          buffered = buffered.slice(nl + 1);
        }
      });
    };
    const onLine = (line: string, isStderr: boolean) => {
      log.write(`${line}\n`);
      let parsed: { level?: number; msg?: string; url?: string } | null = null;
      try {
        parsed = JSON.parse(line) as { level?: number; msg?: string; url?: string };
      } catch {
        parsed = null;
      }
      if (parsed?.msg === 'listening' && parsed.url) resolveUrl(parsed.url.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1'));
      else if (isStderr || (parsed?.level ?? 0) >= 40) say(`[app] ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
    };
    follow(app.stdout, false);
    follow(app.stderr, true);
    app.once('exit', (code, signal) => reject(new Error(`the app exited before listening (code ${code}, signal ${signal}); see ${logPath}`)));
  }).catch(async (err: Error) => {
    say(`[demo] ${err.message}`);
    return stop(1, 'app failed to start');
  });
  app.once('exit', (code, signal) => {
    if (!stopping) void stop(1, `the app exited (code ${code}, signal ${signal}); see ${logPath}`);
  });

  const base = url.replace(/\/$/, '');
  const ws = base.replace(/^http/, 'ws');
  say('');
  say(`traderscout demo is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  App        ${base}`);
  say(`  API        ${base}/api/v1/leaderboard   ${base}/api/v1/traders   ${base}/api/v1/events`);
  say(`  Docs       ${base}/docs`);
  say(`  Dashboard  ${base}/dashboard`);
  say(`  Socket.IO  ${base}/updates   (namespace /updates, path /socket.io)`);
  say(`  WebSocket  ${ws}/ws/v1/updates`);
  say(`  Health     ${base}/health/detailed   Metrics ${base}/metrics`);
  say(`  Simulator  ${running.sim.httpUrl}   (${tradeRate} trades/s; control ${running.sim.httpUrl}/sim/stats)`);
  say(
    `  Postgres   ${running.pg ? `embedded (PGlite), data in ${running.pg.dataDir}` : 'DATABASE_URL'}` +
      `   Redis ${redisUrl === 'memory://' ? 'in-process stand-ins (REDIS_URL=memory://)' : 'REDIS_URL'}`,
  );
  say(`  Logs       ${logPath}`);
  say('The leaderboard fills within about a minute; then a paper follower of its top trader starts. Ctrl-C stops everything.');
  say('');

  const api = new DemoApi(base, adminKey);
  let follower: DemoFollower | null = null;
  let followerProblem = '';
  const startFollower = async () => {
    running.followerTimer = null;
    try {
      follower = await createDemoFollower(api);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== followerProblem) say(`[demo ${clock()}] paper follower not started yet: ${message}`);
      followerProblem = message;
    }
    if (stopping) return;
    if (!follower) {
      running.followerTimer = setTimeout(() => void startFollower(), FOLLOWER_RETRY_MS);
      return;
    }
    // The token is printed here once, like the API returns it once; the app never sees the URL
    // fragment, so it reaches no log. Every other line names the follower without it.
    say('');
    say(`  Copy       paper follower #${follower.id} follows ${follower.leader} (leaderboard #${follower.rank}, proportional)`);
    say(`             ${base}/dashboard#follower=${follower.id}   (the Copy panel; it asks for the token)`);
    say(`             token, shown once: ${base}/dashboard#follower=${follower.id}&token=${follower.token}`);
    say('');
  };
  running.followerTimer = setTimeout(() => void startFollower(), FOLLOWER_RETRY_MS);

  const sim = running.sim;
  const status = async () => {
    const get = async <T>(path: string): Promise<T | null> => {
      const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
      return res?.ok ? ((await res.json()) as T) : null;
    };
    const [stats, board, copy] = await Promise.all([
      get<{ database?: { total_traders?: number; total_trade_events?: number } }>('/api/v1/stats'),
      get<{ total?: number }>('/api/v1/leaderboard?limit=1'),
      follower ? followerStatus(api, follower) : Promise.resolve('follower=waiting for the leaderboard'),
    ]);
    const s = sim.control.stats();
    say(
      `[demo ${clock()}] traders=${stats?.database?.total_traders ?? '?'} events=${stats?.database?.total_trade_events ?? '?'} ` +
        `leaderboard=${board?.total ?? 'n/a'} exchange_trades=${s.trades.total} ` +
        `weight=${s.weight.currentWindow}/${s.weight.limitPerMinute} 429s=${s.weight.rejected429} ${copy}`,
    );
  };
  running.statusTimer = setInterval(() => void status(), STATUS_EVERY_MS);
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
