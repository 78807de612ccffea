import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { io, Socket } from 'socket.io-client';
import { ROOT } from '../support/env';
import { waitFor } from '../support/process';

/**
 * The README's first command on a machine with only Node: `npm run demo` with DATABASE_URL and
 * REDIS_URL unset runs the embedded Postgres (PGlite) and the in-process Redis stand-ins, and
 * never connects to the machine's own Postgres (5432) or Redis (6379); once the leaderboard has a
 * generation it starts a paper follower of the top-ranked non-vault trader.
 */
describe('npm run demo (dist/demo/main.js) with DATABASE_URL and REDIS_URL unset', () => {
  let dir: string;
  let demo: ChildProcess;
  let output = '';
  let base = '';
  let socket: Socket | null = null;
  const bootedAt = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ts-demo-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DEMO_DATA_DIR: join(dir, 'data'), PORT: '0', DEMO_SIMULATOR_PORT: '0' };
    demo = spawn(process.execPath, [join(ROOT, 'dist', 'demo', 'main.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    base = await waitFor(async () => /^\s+App\s+(http:\/\/\S+)/m.exec(output)?.[1], 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
  }, 90_000);

  afterAll(async () => {
    socket?.disconnect();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo.once('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('serves /health and streams trade events to a Socket.IO client, and the leaderboard fills', async () => {
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    socket = io(`${base}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true });
    const event = await new Promise<{ trader_address: string; event_type: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no trade_event within 60 s\n${output}`)), 60_000);
      socket!.once('trade_event', (e: { trader_address: string; event_type: string }) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    expect(event.trader_address).toMatch(/^0x[0-9a-f]{40}$/);
    expect(event.event_type).toMatch(/^position_/);

    // The leaderboard is computed every 30 s in the demo; only asserted when the route exists.
    const probe = await fetch(`${base}/api/v1/leaderboard?limit=5`);
    if (probe.status !== 404) {
      const board = await waitFor(async () => {
        const res = await fetch(`${base}/api/v1/leaderboard?limit=5`);
        const body = res.ok ? ((await res.json()) as { items: unknown[] }) : null;
        return body && body.items.length > 0 ? body : null;
      }, Math.max(5_000, 90_000 - (Date.now() - bootedAt)), 1000);
      expect(board.items.length).toBeGreaterThan(0);
    }

    const detailed = (await (await fetch(`${base}/health/detailed`)).json()) as { checks: Record<string, { status: string }> };
    expect(detailed.checks.database.status).toBe('up');
    expect(detailed.checks.redis.status).toBe('up');
  }, 120_000);

  it('starts a paper follower of the top-ranked non-vault trader, shows it once with its token, and its equity every 10 s', async () => {
    const announced = await waitFor(
      async () => /Copy\s+paper follower #(\d+) follows (0x[0-9a-f]{40}) \(leaderboard #(\d+)/.exec(output),
      Math.max(10_000, 150_000 - (Date.now() - bootedAt)),
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    const [, id, leader, rank] = announced;
    expect(output).toContain(`${base}/dashboard#follower=${id}   `);
    const withToken = `${base}/dashboard#follower=${id}&token=`;
    expect(output).toContain(withToken);
    const token = output.slice(output.indexOf(withToken) + withToken.length).split(/\s/)[0];
    expect(token).toMatch(/^tsf_\S{20,}$/);

    // The follower, through its own token: paper, active, following that leader.
    const auth = { authorization: `Bearer ${token}` };
    const follower = (await (await fetch(`${base}/api/v1/copy/followers/${id}`, { headers: auth })).json()) as Record<string, unknown>;
    expect(follower).toMatchObject({ id, mode: 'paper', status: 'active', name: 'demo paper follower' });
    const follows = (await (await fetch(`${base}/api/v1/copy/followers/${id}/follows`, { headers: auth })).json()) as { items: Array<Record<string, unknown>> };
    expect(follows.items).toEqual([expect.objectContaining({ leader, status: 'active', sizing: 'proportional', copy_open_positions: true })]);
    // The leader: not a vault, first of the leaderboard (vaults are left out of it by default).
    expect(rank).toBe('1');
    expect(((await (await fetch(`${base}/api/v1/traders/${leader}`)).json()) as { is_vault: boolean }).is_vault).toBe(false);
    // Without the token: 401 (the demo's admin key is its own, never printed).
    expect((await fetch(`${base}/api/v1/copy/followers/${id}`)).status).toBe(401);

    // The status line names the follower with its equity.
    const line = await waitFor(async () => new RegExp(`^\\[demo [\\d:]+\\] .* follower=#${id} equity=\\$(\\d+\\.\\d\\d)`, 'm').exec(output), 25_000, 500);
    expect(Number(line[1])).toBeGreaterThan(0);
    // The token was printed once (the line with the fragment), and reached no log.
    expect(output.split(token).length - 1).toBe(1);
    expect(readFileSync(join(dir, 'data', 'app.log'), 'utf8')).not.toContain(token);
  }, 180_000);

  it('never connects to the machine Postgres (5432) or Redis (6379)', () => {
    const pids = new Set([String(demo.pid)]);
    try {
      for (const p of execFileSync('pgrep', ['-P', String(demo.pid)], { encoding: 'utf8' }).split('\n')) if (p.trim()) pids.add(p.trim());
    } catch {
      // no children: the check below still covers the launcher
    }
    expect(pids.size).toBeGreaterThan(1); // the app child
    const sockets = execFileSync('ss', ['-tnpH'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => [...pids].some((pid) => line.includes(`pid=${pid},`)));
    expect(sockets.length).toBeGreaterThan(0);
    const toServices = sockets.filter((line) => /\s\S+:(5432|6379)\s/.test(line));
    expect(toServices).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => demo.once('exit', (code) => r(code)));
    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('[demo] stopped');
  }, 30_000);
});
