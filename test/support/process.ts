import { ChildProcess, spawn } from 'child_process';
import { ROOT } from './env';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `node dist/main.js` (the production entry) with the given environment. */
export function spawnApp(env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [`${ROOT}/dist/main.js`], {
    cwd: '/tmp', // no .env from the checkout
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', EXCHANGE_LEADERBOARD_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Polls until fn resolves truthy or the timeout passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`waitFor timed out after ${timeoutMs} ms${lastErr ? `: ${String(lastErr)}` : ''}`);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
