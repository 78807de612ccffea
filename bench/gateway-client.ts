/**
 * A load-generating child of bench/gateway.bench.ts: opens `count` Socket.IO clients (websocket
 * transport) on /updates and records publish→receive latency of every `trade_event` into a
 * histogram it reports to the parent. Messages (IPC):
 *   parent → {cmd:'connect', url, count, concurrency, subscribe?}   child → {type:'connected', ok, failed, ms}
 *     (with `subscribe` {traders?, coins?}, each client sends it once connected and counts once acked)
 *   parent → {cmd:'report'}                              child → {type:'report', connected (still), received, histogram, disconnects, errors}
 *   parent → {cmd:'close'}                               child exits
 */
import { performance } from 'perf_hooks';
import { io, Socket } from 'socket.io-client';

const sockets: Socket[] = [];
/** Bucket i holds latencies in [i/10, (i+1)/10) ms below 1 s, then 10 ms wide up to 60 s. */
const histogram = new Map<number, number>();
let received = 0;
let disconnects = 0;
/** connect_error messages → count. */
const errors = new Map<string, number>();

const now = (): number => performance.timeOrigin + performance.now();

function bucket(ms: number): number {
  if (ms < 1000) return Math.max(0, Math.floor(ms * 10));
  return 10_000 + Math.min(5_900, Math.floor((ms - 1000) / 10));
}

function onEvent(event: { details?: { bench_sent_at?: number } }): void {
  const sent = event.details?.bench_sent_at;
  if (typeof sent !== 'number') return;
  received++;
  const b = bucket(now() - sent);
  histogram.set(b, (histogram.get(b) ?? 0) + 1);
}

type Subscription = { traders?: string[]; coins?: string[] };

function connectOne(url: string, subscribe?: Subscription): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(`${url}/updates`, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    socket.on('trade_event', onEvent);
    socket.once('connect', () => {
      sockets.push(socket);
      socket.on('disconnect', () => disconnects++);
      if (!subscribe) return resolve(true);
      socket
        .timeout(30_000)
        .emitWithAck('subscribe', subscribe)
        .then((ack: { ok?: boolean }) => resolve(ack?.ok === true))
        .catch(() => resolve(false));
    });
    socket.once('connect_error', (err: Error) => {
      errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
      socket.close();
      resolve(false);
    });
  });
}

async function connect(url: string, count: number, concurrency: number, subscribe?: Subscription): Promise<void> {
  const started = Date.now();
  let ok = 0;
  let failed = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++;
      if (await connectOne(url, subscribe)) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  process.send?.({ type: 'connected', ok, failed, ms: Date.now() - started });
}

process.on('message', (msg: { cmd: string; url?: string; count?: number; concurrency?: number; subscribe?: Subscription }) => {
  if (msg.cmd === 'connect') void connect(msg.url!, msg.count!, msg.concurrency ?? 100, msg.subscribe);
  else if (msg.cmd === 'report') {
    const live = sockets.filter((s) => s.connected).length;
    process.send?.({ type: 'report', connected: live, received, disconnects, errors: Object.fromEntries(errors), histogram: [...histogram.entries()] });
  } else if (msg.cmd === 'close') {
    for (const s of sockets) s.close();
    setTimeout(() => process.exit(0), 200);
  }
});

process.on('disconnect', () => process.exit(0));
