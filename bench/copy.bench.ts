/**
 * Copy trading latency and duplicates: a leader's trade at the simulator → each follower's order.
 *
 *   npm run build && npm run bench:copy [-- --live 100 --paper 1000 --trades 20 --gap-ms 1500 --cpu-prof DIR --sim-nice 0]
 *
 * Processes: the simulator (`dist/simulator/main.js`) and one app (`ROLE=all`: discovery, the
 * live engine and the copy engine, the api) on database `bench_copy` and Redis logical database 15.
 * `--live` accounts each approve an agent with a signed approveAgent and become live followers;
 * `--paper` paper followers; every follower follows one leader (fixed_ratio 0.01, ETH). The leader
 * then trades `--trades` times (alternately opening and closing 1 ETH, `--gap-ms` apart).
 *
 * Figures: live: trade time at the simulator → the follower's order received at its /exchange
 * (`receivedAt` in /sim/exchange-orders, by cloid); paper: trade time → the paper order handed to
 * the paper book (`sent_at` in the journal). Duplicates: a cloid received twice at /exchange, or a
 * second filled order for one (follower, leader event).
 */
import * as os from 'os';
import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { benchRedis, createBenchDatabase } from './support/infra';
import { deadline, sleep, startApp, startSimulator } from './support/processes';
import { fmt, log, percentile } from './support/report';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

const LIVE = Number(arg('live', '100'));
const PAPER = Number(arg('paper', '1000'));
const TRADES = Number(arg('trades', '20'));
const GAP_MS = Number(arg('gap-ms', '1500'));
/** `--cpu-prof DIR`: the app runs with --cpu-prof, its profile written to DIR at exit. */
const CPU_PROF = arg('cpu-prof', '');
/**
 * Scheduling niceness of the simulator process (0: as is). The simulator recovers every order's
 * signer (~1.4 ms of CPU each with viem) on the same two cores as the app, which the real exchange
 * does on its own machines; `--sim-nice 10` lets the app's threads go first when both want a core
 * (the simulator still verifies every request and stamps its arrival; a starved simulator could
 * only stamp later, which counts against the app).
 */
const SIM_NICE = Number(arg('sim-nice', '0'));
const ADMIN = 'bench-admin-key';
const LEADER = '0x00000000000000000000000000000000000c0de1';
const OTHER = '0x00000000000000000000000000000000000c0de2';

async function main(): Promise<void> {
  const stopTimer = deadline(15 * 60_000, 'bench:copy');
  const db = await createBenchDatabase('copy');
  const redis = await benchRedis(15);
  const sim = await startSimulator({ traders: 20, 'trade-rate': 0, 'weight-per-minute': 1_000_000, coins: 'BTC,ETH,SOL' });
  if (SIM_NICE !== 0) os.setPriority(sim.pid, SIM_NICE);
  const app = await startApp('all', {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    HYPERLIQUID_API_URL: sim.httpUrl,
    WEBSOCKET_URL: sim.wsUrl,
    RATE_LIMIT_WEIGHT_PER_MINUTE: '1000000',
    TRACKING_INTERVAL_SECONDS: '5',
    ADMIN_API_KEY: ADMIN,
    COPY_KEY_ENCRYPTION_KEY: 'ef'.repeat(32),
    COPY_RECONCILE_SECONDS: '60',
    THROTTLE_LIMIT_PER_MINUTE: '1000000',
  }, CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []);
  const api = async (method: string, path: string, body?: object, token?: string): Promise<any> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : { 'x-api-key': ADMIN }) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const simPost = async (name: string, body: object): Promise<any> => {
    const res = await fetch(`${sim.httpUrl}/sim/${name}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`sim ${name}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const pg = await db.client();
  try {
    log('leader: first trade, waiting for its baseline');
    await sleep(3000);
    await simPost('trade', { coin: 'SOL', buyer: LEADER, seller: OTHER, sz: '1' });
    for (let i = 0; ; i++) {
      const { rows } = await pg.query(`SELECT 1 FROM live_baselines b JOIN traders t ON t.id = b.trader_id WHERE t.address = $1`, [LEADER]);
      if (rows.length > 0) break;
      if (i > 240) throw new Error('leader never baselined');
      await sleep(250);
    }
    await simPost('trade', { coin: 'SOL', buyer: OTHER, seller: LEADER, sz: '1' });

    log(`creating ${LIVE} live followers (signed approveAgent each) and ${PAPER} paper followers`);
    const transport = new HttpTransport({ apiUrl: sim.httpUrl });
    const masters: string[] = [];
    const make = async (mode: 'live' | 'paper') => {
      const body: Record<string, unknown> = { mode };
      if (mode === 'live') {
        const ownerKey = generatePrivateKey();
        const agentKey = generatePrivateKey();
        const master = privateKeyToAccount(ownerKey).address.toLowerCase();
        await simPost('set-position', { user: master, coin: 'ETH', szi: '0' });
        await new ExchangeClient({ transport, wallet: privateKeyToAccount(ownerKey) }).approveAgent({ agentAddress: privateKeyToAccount(agentKey).address, agentName: 'copy' });
        Object.assign(body, { address: master, agent_private_key: agentKey });
        masters.push(master);
      } else {
        body.address = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
      }
      const f = await api('POST', '/api/v1/copy/followers', body);
      await api('POST', `/api/v1/copy/followers/${f.id}/follows`, { leader: LEADER, sizing: 'fixed_ratio', ratio: 0.01, coins_allow: ['ETH'] }, f.token);
    };
    const queue = [...Array<'live'>(LIVE).fill('live'), ...Array<'paper'>(PAPER).fill('paper')];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let m = queue.shift(); m; m = queue.shift()) await make(m);
    }));
    log('waiting for every follower to be leased and loaded');
    await sleep(8000);

    log(`leader trades ${TRADES} times, ${GAP_MS} ms apart`);
    for (let i = 0; i < TRADES; i++) {
      const buy = i % 2 === 0;
      await simPost('trade', { coin: 'ETH', buyer: buy ? LEADER : OTHER, seller: buy ? OTHER : LEADER, sz: '1' });
      await sleep(GAP_MS);
    }
    await sleep(5000);

    const orders = (await (await fetch(`${sim.httpUrl}/sim/exchange-orders`)).json()) as Array<{ receivedAt: number; user: string; cloid: string | null }>;
    const received = new Map<string, number>();
    let dupCloids = 0;
    for (const o of orders) {
      if (!o.cloid) continue;
      if (received.has(o.cloid)) dupCloids++;
      else received.set(o.cloid, o.receivedAt);
    }
    const { rows } = await pg.query<{ cloid: string; mode: string; trigger_ms: string; sent_ms: string | null; created_ms: string; follower_id: string; trigger_event_id: string; status: string }>(`
      SELECT o.cloid, f.mode, o.follower_id, o.trigger_event_id, o.status,
             (extract(epoch FROM o.trigger_time) * 1000)::bigint::text AS trigger_ms,
             (extract(epoch FROM o.sent_at) * 1000)::bigint::text AS sent_ms,
             (extract(epoch FROM o.created_at) * 1000)::bigint::text AS created_ms
        FROM copy_orders o JOIN copy_followers f ON f.id = o.follower_id WHERE o.trigger = 'signal'`);
    const lat = { live: [] as number[], paper: [] as number[] };
    const toJournal = { live: [] as number[], paper: [] as number[] };
    const perDecision = new Map<string, number>();
    let missingAtExchange = 0;
    for (const r of rows) {
      toJournal[r.mode as 'live' | 'paper'].push(Number(r.created_ms) - Number(r.trigger_ms));
      if (r.mode === 'live') {
        const at = received.get(r.cloid);
        if (at === undefined) missingAtExchange++;
        else lat.live.push(at - Number(r.trigger_ms));
      } else if (r.sent_ms) {
        lat.paper.push(Number(r.sent_ms) - Number(r.trigger_ms));
      }
      if (r.status === 'filled' || r.status === 'partially_filled') {
        const k = `${r.follower_id}:${r.trigger_event_id}`;
        perDecision.set(k, (perDecision.get(k) ?? 0) + 1);
      }
    }
    const dupDecisions = [...perDecision.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    for (const mode of ['live', 'paper'] as const) {
      const v = lat[mode].sort((a, b) => a - b);
      const q = (p: number) => (v.length ? Math.round(percentile(v, p)) : NaN);
      log(`${mode}: ${v.length} orders, min ${fmt(v[0] ?? 0)} ms, p50 ${fmt(q(0.5))} ms, p95 ${fmt(q(0.95))} ms, p99 ${fmt(q(0.99))} ms, max ${fmt(v[v.length - 1] ?? 0)} ms`);
      const j = toJournal[mode].sort((a, b) => a - b);
      log(`${mode}: trade → journal row p50 ${fmt(percentile(j, 0.5))} ms, p99 ${fmt(percentile(j, 0.99))} ms`);
      const tag = mode === 'live' ? `live_${LIVE}` : `paper_${PAPER}`;
      console.log(`FIGURE copy_trade_to_order_ms_p50{${tag}} ${q(0.5)}`);
      console.log(`FIGURE copy_trade_to_order_ms_p99{${tag}} ${q(0.99)}`);
    }
    log(`expected ${TRADES} orders per follower: live ${lat.live.length}/${LIVE * TRADES}, paper ${lat.paper.length}/${PAPER * TRADES}; journaled live orders missing at /exchange: ${missingAtExchange}`);
    console.log(`FIGURE copy_duplicate_orders ${dupCloids + dupDecisions}`);
  } catch (err) {
    console.error(app.output().slice(-3000));
    throw err;
  } finally {
    await pg.end();
    await app.stop();
    sim.child.kill('SIGTERM');
    redis.stop();
    await db.drop();
    clearTimeout(stopTimer);
  }
}

main().then(
  // A handle left by a client (keep-alive sockets) must not hold the finished bench open.
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
