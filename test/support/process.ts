import { ChildProcess, spawn } from 'child_process';
import { ROOT } from './env';

/** The polling and port helpers live in wait.ts (one of each, for tests, benches and drills). */
export { freePort, waitFor } from './wait';

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
