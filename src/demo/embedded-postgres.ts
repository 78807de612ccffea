import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'fs';
import { PgliteWireServer } from './pglite-wire-server';

export interface EmbeddedPostgres {
  /** postgres://… URL of the wire server (the app's `pg` driver and migrations use it as is). */
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL without a server install, for the one-command demo: PGlite (Postgres compiled to
 * WASM, data in `dataDir`) behind a wire-protocol server on a loopback port, so the app connects
 * with the same `pg` driver and runs the same migrations as against a real server. Runs in the
 * calling process, which must keep its event loop free (no synchronous child processes).
 */
export async function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PgliteWireServer(db);
  const actual = await server.listen(port);
  let closed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${actual}/postgres`,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await db.close();
    },
  };
}
