/**
 * A load-generating child of bench/gateway.bench.ts: opens `count` Socket.IO clients (websocket
 * transport) on /updates and records publish→receive latency of every `trade_event` into a
 * histogram it reports to the parent. Messages (IPC):
 *   parent → {cmd:'connect', url, count, concurrency, subscribe?, lite?}   child → {type:'connected', ok, failed, ms}
 *     (with `subscribe` {traders?, coins?}, each client sends it once connected and counts once acked)
 *   parent → {cmd:'report'}                              child → {type:'report', connected (still), received, histogram, disconnects, reasons, errors}
 *   parent → {cmd:'close'}                               child exits
 *
 * `lite` (the default of the bench): each client is a bare `ws` speaking the Socket.IO v5 /
 * engine.io v4 protocol itself (namespace CONNECT, ping → pong, `subscribe` with an ack id) and
 * reads the latency stamp out of the frame without decoding it, so that thousands of clients on
 * the same two cores as the server keep up with what it sends (socket.io-client decodes every
 * event and falls behind first). The server sees exactly what socket.io-client would send.
 */
import { performance } from 'perf_hooks';
import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';

interface Client {
  connected(): boolean;
  close(): void;
}

const clients: Client[] = [];
/** Bucket i holds latencies in [i/10, (i+1)/10) ms below 1 s, then 10 ms wide up to 60 s. */
const histogram = new Map<number, number>();
let received = 0;
let disconnects = 0;
/** disconnect reasons → count. */
const reasons = new Map<string, number>();
/** connect_error messages → count. */
const errors = new Map<string, number>();

const now = (): number => performance.timeOrigin + performance.now();
const tally = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);

function bucket(ms: number): number {
  if (ms < 1000) return Math.max(0, Math.floor(ms * 10));
  return 10_000 + Math.min(5_900, Math.floor((ms - 1000) / 10));
}

function record(sent: number): void {
  received++;
  const b = bucket(now() - sent);
  histogram.set(b, (histogram.get(b) ?? 0) + 1);
}

type Subscription = { traders?: string[]; coins?: string[] };

function connectFull(url: string, subscribe?: Subscription): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = io(`${url}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    socket.on('trade_event', (event: { details?: { bench_sent_at?: number } }) => {
      if (typeof event.details?.bench_sent_at === 'number') record(event.details.bench_sent_at);
    });
    socket.once('connect', () => {
      clients.push({ connected: () => socket.connected, close: () => socket.close() });
      socket.on('disconnect', (reason: string) => (disconnects++, tally(reasons, reason)));
      if (!subscribe) return resolve(true);
      socket
        .timeout(30_000)
        .emitWithAck('subscribe', subscribe)
        .then((ack: { ok?: boolean }) => resolve(ack?.ok === true))
        .catch(() => resolve(false));
    });
    socket.once('connect_error', (err: Error) => {
      tally(errors, err.message);
      socket.close();
      resolve(false);
    });
  });
}

const NSP = '/updates';
const STAMP = '"bench_sent_at":';

/** One Socket.IO client over a bare WebSocket (see the header). */
function connectLite(url: string, subscribe?: Subscription): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let settled = false;
    let open = false;
    const settle = (ok: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      if (error) tally(errors, error);
      if (!ok) ws.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => settle(false, 'timeout'), 20_000);
    ws.on('message', (raw) => {
      const msg = raw.toString();
      if (msg.startsWith(`42${NSP},["trade_event"`)) {
        const i = msg.indexOf(STAMP);
        if (i >= 0) record(parseFloat(msg.slice(i + STAMP.length)));
      } else if (msg === '2') ws.send('3'); // engine.io ping → pong
      else if (msg.startsWith('0')) ws.send(`40${NSP},`); // engine.io open → Socket.IO CONNECT
      else if (msg.startsWith(`40${NSP},`)) {
        open = true;
        clients.push({ connected: () => ws.readyState === WebSocket.OPEN, close: () => ws.close() });
        if (!subscribe) {
          clearTimeout(timer);
          settle(true);
        } else ws.send(`42${NSP},1${JSON.stringify(['subscribe', subscribe])}`);
      } else if (msg.startsWith(`43${NSP},1`)) {
        clearTimeout(timer);
        settle(msg.includes('"ok":true'));
      } else if (msg.startsWith(`44${NSP},`)) settle(false, msg.slice(0, 80)); // CONNECT_ERROR
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (open) {
        disconnects++;
        tally(reasons, `close ${code}`);
      }
      settle(false, open ? undefined : `closed ${code}`);
    });
    ws.on('error', (err) => settle(false, err.message));
  });
}

async function connect(url: string, count: number, concurrency: number, subscribe: Subscription | undefined, lite: boolean): Promise<void> {
  const started = Date.now();
  let ok = 0;
  let failed = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++;
      if (await (lite ? connectLite : connectFull)(url, subscribe)) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  process.send?.({ type: 'connected', ok, failed, ms: Date.now() - started });
}

process.on('message', (msg: { cmd: string; url?: string; count?: number; concurrency?: number; subscribe?: Subscription; lite?: boolean }) => {
  if (msg.cmd === 'connect') void connect(msg.url!, msg.count!, msg.concurrency ?? 100, msg.subscribe, msg.lite !== false);
  else if (msg.cmd === 'report') {
    process.send?.({
      type: 'report',
      connected: clients.filter((c) => c.connected()).length,
      received,
      disconnects,
      reasons: Object.fromEntries(reasons),
      errors: Object.fromEntries(errors),
      histogram: [...histogram.entries()],
    });
  } else if (msg.cmd === 'close') {
    for (const c of clients) c.close();
    setTimeout(() => process.exit(0), 200);
  }
});

process.on('disconnect', () => process.exit(0));
