/**
 * The simulator's /exchange under load: signed orders from many agents at once.
 *
 *   npm run build && npm run bench:exchange [-- --accounts 100 --orders 20]
 *
 * Starts the simulator in its own process; `--accounts` masters each approve an agent (the SDK's
 * approveAgent), then every agent sends `--orders` IOC orders one after another (accounts in
 * parallel, alternating buy / sell), through the SDK's ExchangeClient over HTTP. Prints the
 * send → answer latency and the simulator's order throughput and CPU.
 */
import { randomBytes } from 'node:crypto';
import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CpuMeter, startSimulator } from './support/processes';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const accounts = Number(arg('accounts', '100'));
const ordersEach = Number(arg('orders', '20'));

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const sim = await startSimulator({ traders: 50, coins: 'BTC,ETH,SOL', 'weight-per-minute': 100_000_000 });
  try {
    const transport = new HttpTransport({ apiUrl: sim.httpUrl, timeout: 30_000 });
    const mids = (await (await fetch(`${sim.httpUrl}/info`, { method: 'POST', body: '{"type":"allMids"}' })).json()) as Record<string, string>;
    const eth = Number(mids.ETH);
    const agents = await Promise.all(
      Array.from({ length: accounts }, async () => {
        const masterKey = generatePrivateKey();
        const master = privateKeyToAccount(masterKey).address;
        await sim.control('set-position', { user: master, coin: 'ETH', szi: '0' });
        const agentKey = generatePrivateKey();
        const owner = new ExchangeClient({ transport, wallet: privateKeyToAccount(masterKey) });
        await owner.approveAgent({ agentAddress: privateKeyToAccount(agentKey).address, agentName: null });
        return new ExchangeClient({ transport, wallet: privateKeyToAccount(agentKey) });
      }),
    );
    const latencies: number[] = [];
    let errors = 0;
    const sentAt = new Map<string, number>();
    const answeredAt = new Map<string, number>();
    const errorTexts = new Set<string>();
    const cpu = new CpuMeter(sim.pid);
    const started = Date.now();
    const clientCpu0 = process.cpuUsage();
    await Promise.all(
      agents.map(async (x) => {
        for (let i = 0; i < ordersEach; i++) {
          const isBuy = i % 2 === 0;
          const p = String(Math.round(eth * (isBuy ? 1.02 : 0.98)));
          const t0 = performance.now();
          const c = `0x${randomBytes(16).toString('hex')}` as const;
          sentAt.set(c, Date.now());
          try {
            await x.order({ orders: [{ a: 1, b: isBuy, p, s: '0.01', r: false, t: { limit: { tif: 'Ioc' } }, c }], grouping: 'na' });
            answeredAt.set(c, Date.now());
          } catch (e) {
            errors++;
            errorTexts.add(e instanceof Error ? e.message.slice(0, 160) : String(e));
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const { cpuPercent } = cpu.read();
    const clientCpu = process.cpuUsage(clientCpu0);
    const clientCpuPercent = ((clientCpu.user + clientCpu.system) / 1e4) / seconds;
    latencies.sort((a, b) => a - b);
    const stats = (await sim.stats()) as unknown as { exchange: { byAction: Record<string, number> } };
    const received = await sim.control<Array<{ cloid: string | null; receivedAt: number }>>('exchange-orders', {});
    const toArrival: number[] = [];
    const toAnswer: number[] = [];
    for (const r of received) {
      const sent = r.cloid ? sentAt.get(r.cloid) : undefined;
      const answered = r.cloid ? answeredAt.get(r.cloid) : undefined;
      if (sent !== undefined) toArrival.push(r.receivedAt - sent);
      if (answered !== undefined) toAnswer.push(answered - r.receivedAt);
    }
    toArrival.sort((a, b) => a - b);
    toAnswer.sort((a, b) => a - b);
    console.log(`client sign + send → arrival at the simulator: p50 ${quantile(toArrival, 0.5)} ms, p99 ${quantile(toArrival, 0.99)} ms`);
    console.log(`arrival → answer back at the client: p50 ${quantile(toAnswer, 0.5)} ms, p99 ${quantile(toAnswer, 0.99)} ms`);
    if (errorTexts.size > 0) console.log(`errors: ${[...errorTexts].join(' | ')}`);
    console.log(`accounts=${accounts} orders=${latencies.length} errors=${errors} seconds=${seconds.toFixed(1)} sim_orders=${stats.exchange.byAction.order}`);
    console.log(`FIGURE sim_exchange_order_ms_p50 ${quantile(latencies, 0.5).toFixed(1)}`);
    console.log(`FIGURE sim_exchange_order_ms_p99 ${quantile(latencies, 0.99).toFixed(1)}`);
    console.log(`FIGURE sim_exchange_orders_per_s ${(latencies.length / seconds).toFixed(0)}`);
    console.log(`FIGURE sim_exchange_cpu_percent ${cpuPercent.toFixed(0)}`);
    console.log(`FIGURE sim_exchange_client_cpu_percent ${clientCpuPercent.toFixed(0)}`);
    console.log(`FIGURE sim_exchange_errors ${errors}`);
  } finally {
    await sim.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
