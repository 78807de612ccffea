import type { PGlite } from '@electric-sql/pglite';
import { createServer, Server, Socket } from 'net';
import { sleep } from '../common/timers';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Messages after which the client waits for an answer: Sync, simple Query, Flush. */
const UNIT_END = new Set(['S', 'Q', 'H']);

interface Unit {
  conn: Connection;
  messages: Buffer[];
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  pending: Buffer[];
  closed: boolean;
}

/**
 * The PostgreSQL wire protocol in front of PGlite (one Postgres session), for several client
 * connections: each connection's messages are grouped into units (everything up to a Sync, a
 * simple Query or a Flush: what a client sends before it waits for an answer), units run one at a
 * time, and while a unit leaves a transaction open only that connection's units run until it ends.
 * So a connection pool (node-postgres, TypeORM) works as against a server, within what one session
 * shares: session settings and advisory locks are common to all connections.
 *
 * (pglite-socket's multiplexer interleaves single messages: two connections' Parse/Bind pairs can
 * cross on the session's unnamed statement, and a pool of one connection deadlocks code that holds
 * a connection while it queries on another.)
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private readonly queue: Unit[] = [];
  private readonly connections = new Set<Connection>();
  /** The connection whose transaction is open: only its units run. */
  private owner: Connection | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.running) await sleep(10);
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Connection = { socket, buffer: Buffer.alloc(0), started: false, pending: [], closed: false };
    this.connections.add(conn);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.disconnected(conn));
  }

  private receive(conn: Connection, chunk: Buffer): void {
    conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
    for (;;) {
      if (!conn.started) {
        if (conn.buffer.length < 8) return;
        const len = conn.buffer.readInt32BE(0);
        if (conn.buffer.length < len) return;
        const code = conn.buffer.readInt32BE(4);
        const message = conn.buffer.subarray(0, len);
        conn.buffer = conn.buffer.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          conn.socket.write('N'); // no encryption on loopback
        } else if (code === CANCEL_REQUEST) {
          conn.socket.destroy();
          return;
        } else if (code === PROTOCOL_3) {
          conn.started = true;
          this.enqueue({ conn, messages: [Buffer.from(message)] });
        } else {
          conn.socket.destroy();
          return;
        }
        continue;
      }
      if (conn.buffer.length < 5) return;
      const len = 1 + conn.buffer.readInt32BE(1);
      if (conn.buffer.length < len) return;
      const message = Buffer.from(conn.buffer.subarray(0, len));
      conn.buffer = conn.buffer.subarray(len);
      const type = String.fromCharCode(message[0]);
      if (type === 'X') {
        conn.socket.end(); // Terminate
        return;
      }
      conn.pending.push(message);
      if (UNIT_END.has(type)) {
        this.enqueue({ conn, messages: conn.pending });
        conn.pending = [];
      }
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.conn === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const [unit] = this.queue.splice(index, 1);
        if (unit.conn.closed) continue;
        await this.db.runExclusive(async () => {
          for (const message of unit.messages) {
            await this.db.execProtocolRawStream(new Uint8Array(message), {
              onRawData: (data: Uint8Array) => {
                if (!unit.conn.closed && data.length > 0) unit.conn.socket.write(Buffer.from(data));
              },
            });
          }
        }).catch(() => unit.conn.socket.destroy());
        this.owner = this.db.isInTransaction() ? unit.conn : null;
      }
    } finally {
      this.running = false;
    }
  }

  private async disconnected(conn: Connection): Promise<void> {
    conn.closed = true;
    this.connections.delete(conn);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].conn === conn) this.queue.splice(i, 1);
    if (this.owner === conn) {
      while (this.running) await sleep(5);
      if (this.owner === conn) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        this.owner = null;
      }
    }
    void this.pump();
  }
}
