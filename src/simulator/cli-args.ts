import type { SimulatorOptions } from './types';

export interface CliOptions extends SimulatorOptions {
  statusIntervalMs: number;
  help: boolean;
}

export const CLI_USAGE = `Usage: npm run sim -- [flags]
  --port N                 HTTP/WebSocket port (default 8080; 0 = any free port)
  --host H                 bind address (default 127.0.0.1)
  --seed N                 RNG seed (default 1)
  --traders N              ordinary traders (default 200; + 3 market makers + 2 vaults)
  --weight-per-minute N    REST weight budget per client (default 1200)
  --weight-window-ms N     rolling window length (default 60000)
  --trade-rate N           background trades per second (default 0 = scripted only)
  --coins A,B,C            restrict the universe (default: the 28 perps of the meta fixture)
  --idle-timeout-ms N      close sockets silent for this long (default 60000)
  --replay-count N         trades replayed after a trades subscription (default 10)
  --max-connections N      WebSocket connections per client (default 10)
  --volatility X           relative mid volatility per sqrt(second) (default 0.0004)
  --status-interval-ms N   status line period (default 5000; 0 = off)
  --help`;

const NUMERIC: Readonly<Record<string, keyof SimulatorOptions | 'statusIntervalMs'>> = {
  port: 'port',
  seed: 'seed',
  traders: 'traders',
  'weight-per-minute': 'weightPerMinute',
  'weight-window-ms': 'weightWindowMs',
  'trade-rate': 'tradeRate',
  'idle-timeout-ms': 'idleTimeoutMs',
  'replay-count': 'replayCount',
  'max-connections': 'maxConnections',
  volatility: 'volatility',
  'status-interval-ms': 'statusIntervalMs',
};

/** Parse `--flag value` / `--flag=value` arguments. Throws on unknown flags or bad numbers. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const out: CliOptions = { port: 8080, statusIntervalMs: 5000, help: false };
  const rec = out as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name === 'host') out.host = value;
    else if (name === 'coins') out.coins = value.split(',').map((s) => s.trim()).filter(Boolean);
    else if (NUMERIC[name]) {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
      rec[NUMERIC[name]] = n;
    } else throw new Error(`unknown flag --${name}`);
  }
  return out;
}
