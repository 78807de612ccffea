/**
 * Child processes of the benches: the simulator (`node dist/simulator/main.js`) and app roles
 * (`node dist/main.js`), each its own process so CPU and RSS are read per process from /proc.
 * Every child is registered and killed when the bench exits, however it exits.
 */
import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { freePort, sleep } from '../../test/support/wait';

/**
 * The checkout whose `dist/` is run: this one, or BENCH_APP_ROOT (e.g. a clean worktree built
 * apart, while a shared dist/ is being rebuilt by others).
 */
export const ROOT = process.env.BENCH_APP_ROOT ?? join(__dirname, '..', '..');
/** One sleep and one free-port helper for tests, benches and drills (test/support/wait.ts). */
export { freePort, sleep };

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Resolves once the child is gone; SIGTERM first, SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 12_000): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** /proc/<pid>: resident set (MB) and CPU time (user + system, seconds). */
export function procSample(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** CPU time of a set of pids (those still alive), seconds. */
export function cpuOf(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, procSample(pid).cpuSeconds);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU % between two cpuOf() samples, over the pids present in both. */
export function cpuPercentBetween(a: Map<number, number>, b: Map<number, number>, seconds: number): number {
  let used = 0;
  for (const [pid, t] of b) if (a.has(pid)) used += t - a.get(pid)!;
  return (100 * used) / seconds;
}

/** A process's CPU % and RSS over an interval. */
export class CpuMeter {
  private t0 = Date.now();
  private c0: number;

  constructor(readonly pid: number) {
    this.c0 = procSample(pid).cpuSeconds;
  }

  reset(): void {
    this.t0 = Date.now();
    this.c0 = procSample(this.pid).cpuSeconds;
  }

  read(): { cpuPercent: number; rssMb: number } {
    const s = procSample(this.pid);
    return { cpuPercent: (100 * (s.cpuSeconds - this.c0)) / ((Date.now() - this.t0) / 1000), rssMb: s.rssMb };
  }
}

export interface SimStats {
  weight: { limitPerMinute: number; currentWindow: number; maxWindow: number; rejected429: number; totalConsumed: number };
  requestsByType: Record<string, number>;
  ws: { connections: number; subscriptions: number; messagesSent: number; tradesSent: number; messagesDropped: number };
  trades: { total: number; scripted: number; generated: number; perSecond: number; tradeRate: number };
  process: { rssMb: number; cpuUserMs: number; cpuSystemMs: number; uptimeMs: number };
}

export interface TruthPosition {
  coin: string;
  szi: string;
  entryPx: string;
}

export interface TraderTruth {
  address: string;
  kind: 'trader' | 'market-maker' | 'vault';
  role: string;
  positions: TruthPosition[];
}

export interface Simulator {
  child: ChildProcess;
  pid: number;
  httpUrl: string;
  wsUrl: string;
  stats(): Promise<SimStats>;
  setTradeRate(tradesPerSecond: number): Promise<void>;
  control<T = unknown>(name: string, body: object): Promise<T>;
  truth(): Promise<TraderTruth[]>;
  stop(): Promise<void>;
}

/** `node dist/simulator/main.js --port 0 …` in its own process. */
export async function startSimulator(args: Record<string, string | number>): Promise<Simulator> {
  const argv = [join(ROOT, 'dist/simulator/main.js'), '--port', '0', '--status-interval-ms', '0'];
  for (const [k, v] of Object.entries(args)) argv.push(`--${k}`, String(v));
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const urls = await new Promise<{ http: string; ws: string }>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const http = /http:\s+(\S+)/.exec(out)?.[1];
      const ws = /ws:\s+(\S+)/.exec(out)?.[1];
      if (http && ws) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ http, ws });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}): ${err}`)));
  });
  const post = async <T>(name: string, body: object): Promise<T> => {
    const res = await fetch(`${urls.http}/sim/${name}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`sim ${name}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const get = async <T>(name: string): Promise<T> => (await (await fetch(`${urls.http}/sim/${name}`)).json()) as T;
  return {
    child,
    pid: child.pid!,
    httpUrl: urls.http,
    wsUrl: urls.ws,
    stats: () => get<SimStats>('stats'),
    setTradeRate: async (tradesPerSecond) => void (await post('set-trade-rate', { tradesPerSecond })),
    control: post,
    truth: () => get<TraderTruth[]>('truth'),
    stop: async () => void (await stopProcess(child, 5000)),
  };
}

export interface AppProcess {
  role: string;
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last lines it wrote (warnings and errors: LOG_LEVEL=warn unless overridden). */
  output(): string;
  /** Its warning and error log lines (JSON `msg`), counted. */
  warnings: Map<string, number>;
  metrics(): Promise<string>;
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

/**
 * `node dist/main.js` with ROLE and env (cwd /tmp, so no .env from the checkout is read);
 * resolves when /health answers. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startApp(role: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/main.js')], {
    cwd: '/tmp',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DB_MIGRATE: 'false', ...env, ROLE: role, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let out = '';
  let partial = '';
  const warnings = new Map<string, number>();
  const keep = (d: Buffer) => {
    const text = d.toString();
    out = (out + text).slice(-20_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      let msg = line.slice(0, 80);
      try {
        const j = JSON.parse(line) as { level?: number; msg?: string; error?: string };
        if ((j.level ?? 50) < 40) continue;
        msg = `${j.msg ?? msg}${j.error ? `: ${j.error.slice(0, 100)}` : ''}`;
      } catch {
        /* not a log line: count it as is */
      }
      if (msg.trim()) warnings.set(msg, (warnings.get(msg) ?? 0) + 1);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${role} exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${role} did not answer /health within 60 s:\n${out}`);
    await sleep(200);
  }
  return {
    role,
    child,
    pid: child.pid!,
    url,
    output: () => out,
    warnings,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: () => stopProcess(child),
  };
}

/** Stops the bench (and, through the exit hook, every child) if it runs past `ms`. */
export function deadline(ms: number, what: string): NodeJS.Timeout {
  const t = setTimeout(() => {
    process.stderr.write(`${what}: gave up after ${Math.round(ms / 1000)} s (time bound)\n`);
    process.exit(2);
  }, ms);
  t.unref();
  return t;
}

/** Whole-machine CPU (all processes, ours and others'): busy % of all cores between reset and read. */
export class MachineMeter {
  private t0 = MachineMeter.sample();

  private static sample(): { busy: number; total: number } {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - f[4], total };
  }

  reset(): void {
    this.t0 = MachineMeter.sample();
  }

  /** Busy share of the whole machine, 0–100 (100 = every core busy). */
  read(): number {
    const s = MachineMeter.sample();
    return (100 * (s.busy - this.t0.busy)) / Math.max(1, s.total - this.t0.total);
  }
}

/** `role pid: msg ×n; …` for every process that logged warnings or errors. */
export function warningsLine(processes: Iterable<AppProcess>): string {
  const parts: string[] = [];
  for (const p of processes) {
    if (p.warnings.size === 0) continue;
    parts.push(`${p.role} ${p.pid}: ${[...p.warnings].map(([m, n]) => `"${m}" ×${n}`).join(', ')}`);
  }
  return parts.length ? parts.join('; ') : 'none';
}
