/**
 * `npm run bench:tracking -- --new-traders 300 --budget 600 [--minutes 4 --traders 200 --trade-rate 20 --warmup 30]`
 *
 * New traders arriving at a steady rate under a saturated budget. The simulator (`--weight-per-minute
 * <budget>`, `--traders` accounts registered in `traders` first, trading at `--trade-rate` among
 * themselves, so round-robin tracking always has work), one discovery and two workers at
 * RATE_LIMIT_WEIGHT_PER_MINUTE=<budget>. After `--warmup` s, `--new-traders` never-seen addresses
 * a minute each make their first trade (scripted: BTC or ETH against a registered account); every
 * 20th of them keeps trading (12 more trades over the next minute), enough to become a leaderboard
 * candidate whose vault check may be due.
 *
 * Per full minute of the measured run: weight the simulator charged ÷ budget (the app enforces its
 * budget over 62 s: 0.968 at most), 429s, userRole lookups; per new trader: first trade → its first
 * snapshot (the baseline's exchange time in `live_baselines`) and → its first `trade_event` on Redis.
 * Traders still waiting at the end count with the time they have waited so far (a lower bound).
 * Prints `FIGURE budget_utilisation` (the lowest full minute), `FIGURE first_snapshot_p95_s`,
 * `FIGURE vault_lookups_per_min`, `FIGURE rejected_429`.
 */
import Redis from 'ioredis';
import { TradeEventsChannel } from '../src/redis/contracts/trade-events-channel';
import { benchRedis, createBenchDatabase } from './support/infra';
import { registerTraders } from './support/events';
import { metric, parseMetrics } from './support/metrics';
import { AppProcess, deadline, SimStats, sleep, startApp, startSimulator, warningsLine } from './support/processes';
import { fmt, log, machineLine, percentile, printTable } from './support/report';

export interface NewTradersOptions {
  newPerMinute: number;
  budget: number;
  minutes: number;
  traders: number;
  tradeRate: number;
  warmupS: number;
}

const REDIS_DB = 14;

function randomAddress(): string {
  let hex = '';
  for (let i = 0; i < 40; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `0x${hex}`;
}

export async function newTradersBench(o: NewTradersOptions): Promise<void> {
  deadline((o.warmupS + o.minutes * 60 + 180) * 1000, 'bench:tracking --new-traders');
  console.log(`tracking bench, new traders: ${machineLine()}`);
  const db = await createBenchDatabase('tracking_new');
  const bench = await benchRedis(REDIS_DB);
  const sim = await startSimulator({ traders: o.traders, seed: 1, 'weight-per-minute': o.budget });
  const processes: AppProcess[] = [];
  const pg = await db.client();
  const sub = new Redis(bench.url);
  let flow: NodeJS.Timeout | null = null;
  try {
    const accounts = await sim.truth();
    await registerTraders(pg, accounts);
    const counterparties = accounts.filter((a) => a.kind === 'trader').map((a) => a.address.toLowerCase());
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: bench.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: String(o.budget),
    };
    processes.push(await startApp('discovery', env));
    const t0 = Date.now();
    while (metric(parseMetrics(await processes[0].metrics()), 'discovery_ws_subscriptions') < 1) {
      if (Date.now() - t0 > 30_000) throw new Error('discovery did not subscribe within 30 s');
      await sleep(250);
    }
    await sim.setTradeRate(o.tradeRate);
    processes.push(...(await Promise.all([startApp('worker', env), startApp('worker', env)])));
    log(`${accounts.length} accounts registered, ${o.tradeRate} trades/s among them, budget ${o.budget}/min; warm-up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);

    // First trade time of each new trader; first snapshot / first event, when seen.
    const firstTrade = new Map<string, number>();
    const firstSnapshot = new Map<string, number>();
    const firstEvent = new Map<string, number>();
    sub.on('message', (_c: string, message: string) => {
      const e = JSON.parse(message) as { trader_address: string };
      if (firstTrade.has(e.trader_address) && !firstEvent.has(e.trader_address)) firstEvent.set(e.trader_address, Date.now());
    });
    await sub.subscribe(TradeEventsChannel.channel);

    const start = Date.now();
    const end = start + o.minutes * 60_000;
    const active: Array<{ address: string; left: number }> = [];
    let sent = 0;
    let failures = 0;
    const trade = async (address: string, buy: boolean) => {
      const other = counterparties[Math.floor(Math.random() * counterparties.length)];
      await sim
        .control('trade', { coin: Math.random() < 0.5 ? 'BTC' : 'ETH', buyer: buy ? address : other, seller: buy ? other : address, sz: '0.01' })
        .catch(() => failures++);
    };
    let busy = false;
    flow = setInterval(() => {
      if (busy || Date.now() >= end) return;
      busy = true;
      const due = Math.floor(((Date.now() - start) / 60_000) * o.newPerMinute) - sent;
      const jobs: Array<Promise<void>> = [];
      for (let i = 0; i < due; i++) {
        const address = randomAddress();
        sent++;
        firstTrade.set(address, Date.now());
        jobs.push(trade(address, Math.random() < 0.5));
        if (sent % 20 === 0) active.push({ address, left: 12 });
      }
      // The active few trade again, about every 5 s each.
      for (const a of active) {
        if (a.left > 0 && Math.random() < 0.02) {
          a.left--;
          jobs.push(trade(a.address, Math.random() < 0.5));
        }
      }
      void Promise.all(jobs).finally(() => (busy = false));
    }, 100);

    const minutes: Array<{ weight: number; r429: number; roles: number }> = [];
    let mark: SimStats = await sim.stats();
    for (let m = 1; m <= o.minutes; m++) {
      while (Date.now() < start + m * 60_000) {
        await sleep(2000);
        await collectBaselines(pg, firstTrade, firstSnapshot);
      }
      const now = await sim.stats();
      minutes.push({
        weight: now.weight.totalConsumed - mark.weight.totalConsumed,
        r429: now.weight.rejected429 - mark.weight.rejected429,
        roles: (now.requestsByType.userRole ?? 0) - (mark.requestsByType.userRole ?? 0),
      });
      mark = now;
      const w = minutes[minutes.length - 1];
      log(`minute ${m}: weight ${w.weight}/${o.budget} (${fmt(w.weight / o.budget, 3)}), 429s ${w.r429}, userRole ${w.roles}; new traders ${sent}, first snapshots ${firstSnapshot.size}`);
    }
    clearInterval(flow);
    flow = null;
    const stoppedAt = Date.now();
    await collectBaselines(pg, firstTrade, firstSnapshot);

    const waits = [...firstTrade].map(([a, at]) => ((firstSnapshot.get(a) ?? stoppedAt) - at) / 1000).sort((x, y) => x - y);
    const eventWaits = [...firstEvent].map(([a, at]) => (at - firstTrade.get(a)!) / 1000).sort((x, y) => x - y);
    const waiting = firstTrade.size - firstSnapshot.size;
    const lowest = Math.min(...minutes.map((m) => m.weight / o.budget));
    const r429 = minutes.reduce((s, m) => s + m.r429, 0);
    const lookups = minutes.reduce((s, m) => s + m.roles, 0);

    console.log(`\n${o.newPerMinute} new traders/min at ${o.budget} weight/min (${o.traders} registered accounts at ${o.tradeRate} trades/s), ${o.minutes} full minutes\n`);
    printTable(
      ['minute', 'weight charged', 'budget utilisation', '429s', 'userRole lookups'],
      minutes.map((m, i) => [i + 1, m.weight, fmt(m.weight / o.budget, 3), m.r429, m.roles]),
    );
    console.log(
      `\nnew traders ${firstTrade.size} (trade posts failed: ${failures}); first snapshot for ${firstSnapshot.size}, still waiting ${waiting}` +
        `\nfirst trade → first snapshot: p50 ${fmt(percentile(waits, 0.5), 1)} s, p95 ${fmt(percentile(waits, 0.95), 1)} s, max ${fmt(waits[waits.length - 1] ?? NaN, 1)} s` +
        ` (waiting ones count with their wait so far)` +
        `\nfirst trade → first trade_event on Redis (${eventWaits.length} traders): p50 ${fmt(percentile(eventWaits, 0.5), 1)} s, p95 ${fmt(percentile(eventWaits, 0.95), 1)} s` +
        `\nwarnings/errors: ${warningsLine(processes)}; Redis database ${REDIS_DB}: ${bench.integrity()}`,
    );
    console.log(`FIGURE budget_utilisation ${fmt(lowest, 3)}`);
    console.log(`FIGURE budget_utilisation_per_minute ${minutes.map((m) => fmt(m.weight / o.budget, 3)).join(',')}`);
    console.log(`FIGURE first_snapshot_p95_s ${fmt(percentile(waits, 0.95), 1)}`);
    console.log(`FIGURE first_snapshot_p50_s ${fmt(percentile(waits, 0.5), 1)}`);
    console.log(`FIGURE first_event_p95_s ${fmt(percentile(eventWaits, 0.95), 1)}`);
    console.log(`FIGURE first_snapshot_waiting_at_end ${waiting}`);
    console.log(`FIGURE vault_lookups_per_min ${fmt(lookups / o.minutes, 2)}`);
    console.log(`FIGURE rejected_429 ${r429}`);
  } finally {
    if (flow) clearInterval(flow);
    sub.disconnect();
    await sim.setTradeRate(0).catch(() => undefined);
    await Promise.all(processes.map((p) => p.stop()));
    await sim.stop();
    await pg.end();
    bench.stop();
    await bench.redis.flushdb();
    bench.redis.disconnect();
    await db.drop();
  }
}

/** Baselines of new traders not seen yet: the snapshot's exchange time, per address. */
async function collectBaselines(pg: { query: (q: string, p: unknown[]) => Promise<{ rows: Array<{ address: string; at: string }> }> }, firstTrade: Map<string, number>, found: Map<string, number>): Promise<void> {
  const pending = [...firstTrade.keys()].filter((a) => !found.has(a));
  if (pending.length === 0) return;
  const { rows } = await pg.query(
    `SELECT t.address, (extract(epoch FROM b.baseline_at) * 1000)::bigint::text AS at
       FROM live_baselines b JOIN traders t ON t.id = b.trader_id WHERE t.address = ANY($1::varchar[])`,
    [pending],
  );
  for (const r of rows) found.set(r.address, Number(r.at));
}
