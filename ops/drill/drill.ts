/**
 * Fault drills (`npm run drill`): the three roles as separate processes (`node dist/main.js`)
 * against the simulator, a fresh database and a private Redis, both behind TCP proxies the drill
 * controls. Each scenario scripts position changes (fresh trader/coin pairs, so each one is exactly
 * one expected event), injects one fault while changes keep coming, removes it, and checks:
 *   - every scripted change is stored in `trade_events` exactly once and published;
 *   - every trader/coin chain of events is gap-free (previous_size = the prior event's current_size)
 *     and the last event matches the simulator's position;
 *   - the exchange weight budget was never exceeded (simulator: rejected429 = 0);
 *   - how long after the fault ended a new change reached the database, published (recovery);
 *   - what a Socket.IO client on /updates received (each change once; none twice).
 * Prints a table; exits 1 when a check fails. Env: DRILL_SCENARIOS (comma list of names),
 * DRILL_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), DRILL_KEEP_LOGS.
 */
import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import Redis from 'ioredis';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { LeaderboardRecalculate } from '../../src/redis/contracts/leaderboard-recalculate';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator/types';
import { DEFAULT_WEIGHT_PER_MINUTE } from '../../src/simulator/weights';
import { freePort, sleep, waitFor } from '../../test/support/wait';
import { TcpProxy } from './tcp-proxy';

const ROOT = resolve(__dirname, '..', '..');
const PG_ADMIN_URL = process.env.DRILL_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROLES = ['discovery', 'worker', 'api'] as const;
type Role = (typeof ROLES)[number];
const COINS = ['ETH', 'SOL', 'DOGE', 'AVAX', 'LINK', 'ARB', 'OP', 'SUI', 'APT', 'INJ', 'LTC', 'BNB'];
const SETTLE_TIMEOUT_MS = 60_000;
const RECOVERY_TIMEOUT_MS = 60_000;

const log = (msg: string) => process.stdout.write(`[drill ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);



function dbUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`))));
  });
}

/** A private redis-server for the drill (no persistence), so pub/sub is not shared with anyone. */
async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused until the server listens
  await waitFor(async () => {
    await client.connect().catch(() => undefined);
    return (await client.ping()) === 'PONG';
  }, 10_000, 100, 'redis-server');
  client.disconnect();
  return {
    port,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

interface Expected {
  address: string;
  coin: string;
  prev: number;
  cur: number;
  at: number;
  phase: 'before' | 'during' | 'after' | 'probe';
}

interface Row {
  scenario: string;
  changes: number;
  stored: number;
  lost: number;
  duplicated: number;
  unpublished: number;
  gaps: number;
  wrongFinal: number;
  viaSnapshot: number;
  rejected429: number;
  recoverySeconds: number | null;
  wsDelivered: string;
  wsDuplicated: number;
  ok: boolean;
  note: string;
}

class System {
  readonly procs = new Map<Role, ChildProcess>();
  readonly ports = new Map<Role, number>();
  readonly expected: Expected[] = [];
  readonly received = new Map<string, number>();
  private readonly used = new Set<string>();
  private socket: Socket | null = null;
  traders: string[] = [];
  makers: string[] = [];

  constructor(
    readonly name: string,
    readonly sim: SimulatorHandle,
    readonly dbUrl: string,
    readonly pgProxy: TcpProxy,
    readonly redisProxy: TcpProxy,
    readonly redisUrl: string,
    readonly logDir: string,
  ) {}

  env(role: Role): NodeJS.ProcessEnv {
    const direct = new URL(this.dbUrl);
    direct.host = `127.0.0.1:${this.pgProxy.port}`;
    return {
      PATH: process.env.PATH,
      ROLE: role,
      PORT: String(this.ports.get(role)),
      DATABASE_URL: direct.toString(),
      REDIS_URL: `redis://127.0.0.1:${this.redisProxy.port}`,
      HYPERLIQUID_API_URL: this.sim.httpUrl,
      WEBSOCKET_URL: this.sim.wsUrl,
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'info',
      TRACKING_INTERVAL_SECONDS: '10',
      WS_PING_INTERVAL_SECONDS: '2',
      WS_SILENCE_TIMEOUT_SECONDS: '6',
    };
  }

  async start(role: Role): Promise<void> {
    if (!this.ports.has(role)) this.ports.set(role, await freePort());
    const out = createWriteStream(join(this.logDir, `${this.name}-${role}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { cwd: tmpdir(), env: this.env(role), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    this.procs.set(role, child);
  }

  url(role: Role): string {
    return `http://127.0.0.1:${this.ports.get(role)}`;
  }

  async healthy(roles: readonly Role[] = ROLES): Promise<boolean> {
    const answers = await Promise.all(
      roles.map((r) => fetch(`${this.url(r)}/health/detailed`, { signal: AbortSignal.timeout(3000) }).then((res) => res.ok).catch(() => false)),
    );
    return answers.every(Boolean);
  }

  async kill9(role: Role): Promise<void> {
    const child = this.procs.get(role);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    this.socket?.disconnect();
    await Promise.all(
      [...this.procs.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  connectClient(): void {
    const socket = io(`${this.url('api')}/updates`, { transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1000 });
    socket.on('trade_event', (e: { trader_address: string; details: { coin: string; previous_size: string; current_size: string } }) => {
      const key = `${e.trader_address}|${e.details.coin}|${Number(e.details.previous_size)}|${Number(e.details.current_size)}`;
      this.received.set(key, (this.received.get(key) ?? 0) + 1);
    });
    this.socket = socket;
  }

  /** Scripted traders get a BTC position, are discovered, snapshotted and followed live. */
  async baseline(n: number): Promise<void> {
    this.makers = this.sim.control.traders().slice(2, 5);
    this.traders = Array.from({ length: n }, () => `0x${[...Array(40)].map(() => Math.floor(Math.random() * 16).toString(16)).join('')}`);
    for (const t of this.traders) this.sim.control.trade({ coin: 'BTC', buyer: t, seller: this.makers[0], sz: '0.01' });
    await waitFor(
      () =>
        pg(this.dbUrl, async (c) => {
          const { rows } = await c.query('SELECT count(*) AS n FROM traders t JOIN live_baselines b ON b.trader_id = t.id WHERE t.address = ANY($1)', [this.traders]);
          return Number(rows[0].n) === this.traders.length;
        }),
      45_000,
      250,
      'the scripted traders to be baselined',
    );
  }

  /** One position change on a trader/coin pair never used before: exactly one event expected. */
  change(phase: Expected['phase']): Expected {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const address = this.traders[Math.floor(Math.random() * this.traders.length)];
      const coin = COINS[Math.floor(Math.random() * COINS.length)];
      const key = `${address}|${coin}`;
      if (this.used.has(key)) continue;
      this.used.add(key);
      const maker = this.makers[Math.floor(Math.random() * this.makers.length)];
      const prev = Number(this.sim.control.position(address, coin)?.szi ?? 0);
      const sz = String(1 + Math.floor(Math.random() * 5));
      const buy = Math.random() < 0.5;
      this.sim.control.trade({ coin, buyer: buy ? address : maker, seller: buy ? maker : address, sz });
      const cur = Number(this.sim.control.position(address, coin)?.szi ?? 0);
      const e: Expected = { address, coin, prev, cur, at: Date.now(), phase };
      this.expected.push(e);
      return e;
    }
    throw new Error('no unused trader/coin pair left');
  }

  /** Changes every `everyMs` until `ms` have passed. */
  delivered(e: Expected): number {
    return this.received.get(`${e.address}|${e.coin}|${e.prev}|${e.cur}`) ?? 0;
  }

  async changesFor(ms: number, everyMs = 1000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      this.change('during');
      await sleep(Math.min(everyMs, Math.max(0, end - Date.now())));
    }
  }

  async eventsOf(e: Expected): Promise<Array<{ published: boolean; source: string }>> {
    return pg(this.dbUrl, async (c) => {
      const { rows } = await c.query(
        `SELECT published_at IS NOT NULL AS published, source FROM trade_events
          WHERE trader_address = $1 AND coin = $2
            AND (details->>'previous_size')::numeric = $3 AND (details->>'current_size')::numeric = $4`,
        [e.address, e.coin, e.prev, e.cur],
      );
      return rows as Array<{ published: boolean; source: string }>;
    });
  }
}

interface Scenario {
  name: string;
  /** The fault is on the exchange's REST side: recovery includes an answered /info request. */
  rest?: boolean;
  /** The api is down during the fault: its Socket.IO clients miss what happens meanwhile. */
  apiDown?: boolean;
  /** Injects the fault, keeps changes coming, removes the fault; resolves when it is removed. */
  fault(s: System): Promise<string>;
}

const killRestart = (role: Role): Scenario => ({
  name: `kill -9 ${role}`,
  apiDown: role === 'api',
  async fault(s) {
    await s.kill9(role);
    await s.changesFor(5000);
    await s.start(role);
    return `down 5 s, restarted`;
  },
});

const SCENARIOS: Scenario[] = [
  killRestart('discovery'),
  killRestart('worker'),
  killRestart('api'),
  {
    name: 'redis down 10 s',
    async fault(s) {
      await s.redisProxy.cut();
      await s.changesFor(10_000);
      await s.redisProxy.restore();
      return 'TCP proxy refused/reset';
    },
  },
  {
    name: 'redis restarted empty',
    async fault(s) {
      // Tracking first keeps the exchange's weight window full (1000 filler traders to refresh), so a
      // budget that forgot its window would spend a fresh one on top of what the exchange still counts.
      const fillers = Array.from({ length: 1000 }, () => `0x${[...Array(40)].map(() => Math.floor(Math.random() * 16).toString(16)).join('')}`);
      await pg(s.dbUrl, (c) =>
        c.query("INSERT INTO traders (address, first_seen_at, role_checked_at, role) SELECT a, now(), now(), 'user' FROM unnest($1::varchar[]) a", [fillers]),
      );
      // The drill's simulator and roles run the default budget (1200 per 60 s).
      await waitFor(async () => {
        s.change('during');
        await sleep(1000);
        return s.sim.control.stats().weight.currentWindow >= 0.9 * DEFAULT_WEIGHT_PER_MINUTE;
      }, 120_000, 0, 'the exchange weight window to be full');
      const windowAtRestart = s.sim.control.stats().weight.currentWindow;
      // The restart without persistence: every connection drops, every key is gone, Redis accepts again.
      await s.redisProxy.cut();
      const direct = new Redis(s.redisUrl);
      await direct.flushall();
      direct.disconnect();
      await s.changesFor(2000);
      await s.redisProxy.restore();
      await s.changesFor(5000);
      return `restarted empty with ${windowAtRestart}/${DEFAULT_WEIGHT_PER_MINUTE} weight in the exchange's window`;
    },
  },
  {
    name: 'postgres down 20 s',
    async fault(s) {
      await s.pgProxy.cut();
      await s.changesFor(20_000);
      await s.pgProxy.restore();
      return 'TCP proxy refused/reset';
    },
  },
  {
    name: 'exchange 429s 10 s',
    rest: true,
    async fault(s) {
      s.sim.control.failInfo({ status: 429, forMs: 10_000 });
      await s.changesFor(10_000);
      return 'every /info answered 429';
    },
  },
  {
    name: 'exchange 500s 10 s',
    rest: true,
    async fault(s) {
      s.sim.control.failInfo({ status: 500, forMs: 10_000 });
      await s.changesFor(10_000);
      return 'every /info answered 500';
    },
  },
  {
    name: 'exchange slow 10 s',
    rest: true,
    async fault(s) {
      s.sim.control.slowInfo({ delayMs: 3000, forMs: 10_000 });
      await s.changesFor(10_000);
      return '/info delayed 3 s';
    },
  },
  {
    name: 'garbage frames',
    async fault(s) {
      for (let i = 0; i < 5; i++) {
        s.sim.control.sendMalformed(20);
        s.change('during');
        await sleep(1000);
      }
      return '100 malformed frames';
    },
  },
  {
    name: 'poison frames',
    fault: poisonFrames,
  },
  {
    name: 'stalled socket 12 s',
    async fault(s) {
      s.sim.control.stallSockets(12_000);
      await s.changesFor(12_000);
      return 'socket silent, frames lost';
    },
  },
];

/** Issue 16's poisons (items 1–3), each one trade amid normal ones in a frame. */
const POISONS: ReadonlyArray<Record<string, unknown>> = [
  { time: 9_000_000_000_000_000 },
  { time: -86_400_000 },
  { coin: 'A'.repeat(33) },
  { hash: `0x${'a'.repeat(65)}` },
  { coin: 'ETH\u0000' },
  { px: '1e400' },
  { px: '1e308' },
  { px: '-5' },
  { sz: '0' },
  { sz: '-1' },
  { coin: '<img src=x onerror=alert(1)>' },
];

/**
 * Poison on the stream while changes keep coming: none of it stored, each counted by discovery,
 * every api route 2xx, a leaderboard generation computed afterwards (the usual checks follow).
 */
async function poisonFrames(s: System): Promise<string> {
  let tid = 9_000_000_000_000;
  const hash = () => `0x${[...Array(64)].map(() => Math.floor(Math.random() * 16).toString(16)).join('')}`;
  const trade = (over: Record<string, unknown>) => ({
    coin: 'ETH', side: 'B', px: '1800.5', sz: '1', time: Date.now(), hash: hash(), tid: tid++, users: [s.makers[1], s.makers[2]], ...over,
  });
  const rejected = async () => {
    const text = await fetch(`${s.url('discovery')}/metrics`).then((r) => r.text());
    return text.split('\n').filter((l) => l.startsWith('discovery_trades_rejected_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  };
  const before = await rejected();
  const sent: number[] = [];
  for (const poison of POISONS) {
    const bad = trade(poison);
    sent.push(bad.tid as number);
    s.sim.control.sendFrame({ coin: 'ETH', frame: { channel: 'trades', data: [trade({}), bad, trade({})] } });
    s.change('during');
    await sleep(500);
  }
  await waitFor(async () => (await rejected()) - before >= POISONS.length, 20_000, 200, 'every poison counted');
  const stored = await pg(s.dbUrl, (c) => c.query(`SELECT count(*) AS n FROM fills WHERE tid = ANY($1::bigint[])`, [sent.map(String)]));
  if (Number(stored.rows[0].n) !== 0) throw new Error(`${stored.rows[0].n} poisoned trades stored`);
  for (const route of ['/api/v1/traders', '/traders', '/api/v1/events', '/api/v1/leaderboard', '/health/traders', '/api/v1/stats']) {
    const res = await fetch(`${s.url('api')}${route}`);
    if (!res.ok) throw new Error(`${route} answered ${res.status} after the poison`);
  }
  const generation = () =>
    pg(s.dbUrl, (c) => c.query('SELECT coalesce(max(id), 0) AS id FROM leaderboard_generations WHERE computed_at IS NOT NULL')).then((r) => Number(r.rows[0].id));
  const last = await generation();
  const redis = new Redis(s.redisUrl);
  await redis.set(LeaderboardRecalculate.key, String(Date.now())).finally(() => redis.disconnect());
  await waitFor(async () => (await generation()) > last, 60_000, 500, 'a leaderboard generation after the poison');
  return `${POISONS.length} poisoned trades rejected, none stored; routes 2xx; leaderboard computed`;
}

async function runScenario(scenario: Scenario, ctx: { template: string; redisPort: number; logDir: string }): Promise<Row> {
  const started = Date.now();
  const name = `ts_drill_${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}`;
  await pg(PG_ADMIN_URL, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${ctx.template}"`));
  const redisUrl = `redis://127.0.0.1:${ctx.redisPort}`;
  const flush = new Redis(redisUrl);
  await flush.flushall();
  flush.disconnect();
  const pgAdmin = new URL(PG_ADMIN_URL);
  const pgProxy = new TcpProxy(pgAdmin.hostname, Number(pgAdmin.port || 5432));
  const redisProxy = new TcpProxy('127.0.0.1', ctx.redisPort);
  await pgProxy.start();
  await redisProxy.start();
  const sim = await startSimulator({ port: 0, seed: 4242, traders: 40, tradeRate: 10 });
  const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-');
  const s = new System(slug, sim, dbUrl(name), pgProxy, redisProxy, redisUrl, ctx.logDir);
  const row: Row = {
    scenario: scenario.name,
    changes: 0,
    stored: 0,
    lost: 0,
    duplicated: 0,
    unpublished: 0,
    gaps: 0,
    wrongFinal: 0,
    viaSnapshot: 0,
    rejected429: 0,
    recoverySeconds: null,
    wsDelivered: '',
    wsDuplicated: 0,
    ok: false,
    note: '',
  };
  try {
    for (const role of ROLES) await s.start(role);
    await waitFor(() => s.healthy(), 60_000, 250, 'every role healthy');
    const bootedIn = Date.now() - started;
    s.connectClient();
    await s.baseline(6);
    log(`${scenario.name}: booted in ${(bootedIn / 1000).toFixed(1)} s, baselined in ${((Date.now() - started - bootedIn) / 1000).toFixed(1)} s`);
    for (let i = 0; i < 3; i++) {
      s.change('before');
      await sleep(300);
    }
    log(`${scenario.name}: fault`);
    row.note = await scenario.fault(s);
    const restoredAt = Date.now();
    const before = sim.control.stats();
    // Recovered = a change made after the fault is stored, published and pushed to the Socket.IO
    // client, every role reports healthy, and (for exchange faults) /info answers again.
    await waitFor(
      async () => {
        const probe = s.change('probe');
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline) {
          if ((await s.eventsOf(probe).catch(() => [])).some((e) => e.published) && s.delivered(probe) > 0) return true;
          await sleep(100);
        }
        return false;
      },
      RECOVERY_TIMEOUT_MS,
      0,
      'a change to go through end to end',
    );
    await waitFor(() => s.healthy(), RECOVERY_TIMEOUT_MS, 100, 'every role healthy after the fault');
    if (scenario.rest) {
      await waitFor(async () => sim.control.stats().weight.totalConsumed > before.weight.totalConsumed, RECOVERY_TIMEOUT_MS, 100, 'an answered /info request');
    }
    row.recoverySeconds = (Date.now() - restoredAt) / 1000;
    for (let i = 0; i < 3; i++) {
      s.change('after');
      await sleep(300);
    }
    // Settle: every change stored and published (snapshot reconciliation covers stream gaps).
    await waitFor(
      async () => {
        for (const e of s.expected) {
          const events = await s.eventsOf(e);
          if (events.length === 0 || events.some((x) => !x.published)) return false;
        }
        return true;
      },
      SETTLE_TIMEOUT_MS,
      500,
      'every scripted change to be stored and published',
    ).catch((err: Error) => (row.note += `; ${err.message}`));
    await sleep(1500); // late duplicates, late socket deliveries

    row.changes = s.expected.length;
    for (const e of s.expected) {
      const events = await s.eventsOf(e);
      if (events.length === 0) row.lost++;
      else row.stored++;
      if (events.length > 1) row.duplicated++;
      if (events.some((x) => x.source === 'snapshot')) row.viaSnapshot++;
      if (s.delivered(e) > 1) row.wsDuplicated++;
    }
    const wsGot = s.expected.filter((e) => s.delivered(e) > 0).length;
    row.wsDelivered = `${wsGot}/${s.expected.length}`;
    await pg(s.dbUrl, async (c) => {
      const chain = await c.query(`
        WITH e AS (
          SELECT (details->>'previous_size')::numeric AS prev,
                 lag((details->>'current_size')::numeric) OVER (PARTITION BY trader_id, coin ORDER BY id) AS before
            FROM trade_events)
        SELECT count(*) FILTER (WHERE before IS NOT NULL AND prev <> before) AS gaps FROM e`);
      row.gaps = Number(chain.rows[0].gaps);
      // Events committed in the last seconds may still be on their way to Redis (the publisher
      // marks them within milliseconds, the outbox relay after 3 s): only older ones count.
      const unpublished = await c.query(
        "SELECT count(*) AS n FROM trade_events WHERE published_at IS NULL AND created_at < now() - interval '10 seconds'",
      );
      row.unpublished = Number(unpublished.rows[0].n);
      const dupKeys = await c.query('SELECT count(*) AS n FROM (SELECT dedupe_key FROM trade_events GROUP BY 1 HAVING count(*) > 1) d');
      row.duplicated += Number(dupKeys.rows[0].n);
      for (const e of s.expected) {
        const last = await c.query(
          `SELECT (details->>'current_size')::numeric AS cur FROM trade_events WHERE trader_address = $1 AND coin = $2 ORDER BY id DESC LIMIT 1`,
          [e.address, e.coin],
        );
        const truth = Number(sim.control.position(e.address, e.coin)?.szi ?? 0);
        if (last.rows.length === 0 || Number(last.rows[0].cur) !== truth) row.wrongFinal++;
      }
    });
    const stats = sim.control.stats();
    row.rejected429 = stats.weight.rejected429;
    const faults = [
      stats.info.injectedFailures ? `${stats.info.injectedFailures} /info answers injected` : '',
      stats.info.delayed ? `${stats.info.delayed} delayed` : '',
      stats.ws.messagesDropped ? `${stats.ws.messagesDropped} frames lost to the stall` : '',
    ].filter(Boolean);
    if (faults.length) row.note += ` (${faults.join(', ')})`;
    // While the api is down its clients get nothing (they read GET /api/v1/events after reconnecting);
    // otherwise every change reaches the Socket.IO client (the gateway backfills after a Redis outage).
    const mustDeliver = s.expected.filter((e) => !scenario.apiDown || e.phase === 'before' || e.phase === 'after');
    const wsOk = mustDeliver.every((e) => s.delivered(e) > 0);
    row.ok =
      row.lost === 0 && row.duplicated === 0 && row.unpublished === 0 && row.gaps === 0 && row.wrongFinal === 0 && row.rejected429 === 0 && row.wsDuplicated === 0 && wsOk;
  } catch (err) {
    row.note += `${row.note ? '; ' : ''}${(err as Error).message}`;
  } finally {
    await s.stopAll();
    await sim.close();
    await pgProxy.close();
    await redisProxy.close();
    await pg(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
  }
  log(`${scenario.name}: ${row.ok ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return row;
}

function table(rows: Row[]): string {
  const head = ['scenario', 'changes', 'stored once', 'lost', 'duplicated', 'unpublished', 'chain gaps', 'final ≠ exchange', 'via snapshot', '429 over budget', 'recovered in', 'Socket.IO got', 'result'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.changes),
    String(r.stored - r.duplicated),
    String(r.lost),
    String(r.duplicated + r.wsDuplicated),
    String(r.unpublished),
    String(r.gaps),
    String(r.wrongFinal),
    String(r.viaSnapshot),
    String(r.rejected429),
    r.recoverySeconds === null ? '—' : `${r.recoverySeconds.toFixed(1)} s`,
    r.wsDelivered,
    r.ok ? 'PASS' : 'FAIL',
  ]);
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)];
  return out.join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  const only = process.env.DRILL_SCENARIOS?.split(',').map((x) => x.trim().toLowerCase());
  const scenarios = only ? SCENARIOS.filter((s) => only.some((o) => s.name.toLowerCase().includes(o))) : SCENARIOS;
  const logDir = mkdtempSync(join(tmpdir(), 'ts-drill-'));
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const redis = await startRedis();
  const template = `ts_drill_${Math.floor(Date.now() / 1000)}_tpl_${process.pid}`;
  await pg(PG_ADMIN_URL, (c) => c.query(`CREATE DATABASE "${template}"`));
  const rows: Row[] = [];
  try {
    await run(process.execPath, [join(ROOT, 'dist', 'database', 'migrate.cli.js')], {
      PATH: process.env.PATH,
      DATABASE_URL: dbUrl(template),
      LOG_LEVEL: 'warn',
    });
    log(`${scenarios.length} scenarios; logs in ${logDir}`);
    for (const scenario of scenarios) rows.push(await runScenario(scenario, { template, redisPort: redis.port, logDir }));
  } finally {
    await redis.stop();
    await pg(PG_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`)).catch(() => undefined);
  }
  const failed = rows.filter((r) => !r.ok);
  process.stdout.write(`\n${table(rows)}\n\n`);
  for (const r of rows) if (r.note) process.stdout.write(`- ${r.scenario}: ${r.note}\n`);
  process.stdout.write(
    `\ndrill: ${rows.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (failed.length === 0 && !process.env.DRILL_KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
  else process.stdout.write(`logs: ${logDir}\n`);
  process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`drill failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
