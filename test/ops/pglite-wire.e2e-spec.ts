import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client, Pool } from 'pg';
import { ROOT } from '../support/env';
import { waitFor } from '../support/process';

/**
 * The demo's embedded Postgres: PGlite behind the wire server, used through a normal `pg` pool.
 * (PGlite loads its WASM with a dynamic import, which Jest's VM cannot run: it runs in a child
 * process from dist/, as in the demo.)
 */
describe('embedded Postgres (PGlite + wire server)', () => {
  let dir: string;
  let server: ChildProcess;
  const pg = { url: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ts-pglite-'));
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(join(ROOT, 'dist', 'demo', 'embedded-postgres.js'))});
      startEmbeddedPostgres(${JSON.stringify(join(dir, 'data'))}).then((pg) => {
        console.log('URL ' + pg.url);
        process.on('SIGTERM', () => pg.close().then(() => process.exit(0)));
      });`;
    server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    pg.url = await waitFor(async () => /^URL (\S+)$/m.exec(out)?.[1], 60_000);
  }, 90_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers concurrent parameterized queries from a pool, each with its own result', async () => {
    const pool = new Pool({ connectionString: pg.url, max: 6 });
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => pool.query<{ n: number; s: string }>('SELECT $1::int AS n, $2::text AS s', [i, `v${i}`])),
      );
      results.forEach((r, i) => expect(r.rows[0]).toEqual({ n: i, s: `v${i}` }));
    } finally {
      await pool.end();
    }
  });

  it('keeps an open transaction to its connection: others wait, and see only committed rows', async () => {
    const a = new Client({ connectionString: pg.url });
    const b = new Client({ connectionString: pg.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('CREATE TABLE IF NOT EXISTS wire_t (v int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO wire_t VALUES ($1)', [1]);
      let bDone = false;
      const read = b.query<{ n: string }>('SELECT count(*) AS n FROM wire_t').then((r) => {
        bDone = true;
        return Number(r.rows[0].n);
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(bDone).toBe(false); // held back while a's transaction is open
      await a.query('INSERT INTO wire_t VALUES ($1)', [2]);
      await a.query('COMMIT');
      expect(await read).toBe(2);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('rolls back the transaction of a connection that goes away', async () => {
    const a = new Client({ connectionString: pg.url });
    a.on('error', () => undefined); // the connection is cut on purpose
    await a.connect();
    await a.query('CREATE TABLE IF NOT EXISTS wire_r (v int)');
    await a.query('BEGIN');
    await a.query('INSERT INTO wire_r VALUES (1)');
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const b = new Client({ connectionString: pg.url });
    await b.connect();
    try {
      const { rows } = await b.query<{ n: string }>('SELECT count(*) AS n FROM wire_r');
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await b.end();
    }
  });
});
