/* Runnable simulator: `npm run build && npm run sim -- --port 8080 --trade-rate 50`. */
import { CLI_USAGE, parseCliArgs } from './cli-args';
import { startSimulator } from './simulator';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${CLI_USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(CLI_USAGE);
    return;
  }
  const sim = await startSimulator(opts);
  const traders = sim.control.traders().length;
  console.log(`Hyperliquid simulator (seed ${opts.seed ?? 1}, ${traders} accounts, trade rate ${opts.tradeRate ?? 0}/s)`);
  console.log(`  http:    ${sim.httpUrl}`);
  console.log(`  info:    ${sim.infoUrl}`);
  console.log(`  ws:      ${sim.wsUrl}`);
  console.log(`  control: ${sim.httpUrl}/sim/stats  (see docs/simulator.md)`);

  let timer: NodeJS.Timeout | undefined;
  if (opts.statusIntervalMs > 0) {
    timer = setInterval(() => {
      const s = sim.control.stats();
      console.log(
        `[sim ${new Date().toISOString().slice(11, 19)}] trades/s=${s.trades.perSecond} total=${s.trades.total} ` +
          `conns=${s.ws.connections} subs=${s.ws.subscriptions} weight=${s.weight.currentWindow}/${s.weight.limitPerMinute} ` +
          `(max ${s.weight.maxWindow}) 429s=${s.weight.rejected429} rss=${s.process.rssMb}MB`,
      );
    }, opts.statusIntervalMs);
  }
  const stop = () => {
    if (timer) clearInterval(timer);
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
