import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_ROUTES, ControlError, READ_ONLY_ROUTES } from './control';
import type { ExchangeService } from './exchange-handler';
import { SUPPORTED_EXCHANGE_ACTIONS } from './exchange-handler';
import type { InfoService } from './info-handler';
import { SUPPORTED_INFO_TYPES } from './info-handler';
import type { SimulatorControl } from './types';

const MAX_BODY_BYTES = 1024 * 1024;

/** The weight client of a request: `x-sim-client` if given, else the remote IP. */
export function clientOf(req: IncomingMessage): string {
  const h = req.headers['x-sim-client'];
  if (typeof h === 'string' && h !== '') return h;
  const ip = req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ControlError('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value ?? null), 'application/json');
}

// Unref'd: a delayed answer keeps its socket open anyway; a closed simulator is not held up by one.
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * POST /info, POST /exchange, /sim/* control, GET / (index). /exchange requests are handled one
 * per event-loop turn, in arrival order, so that a burst's later requests are stamped when they
 * arrive (between turns), not after the signature recovery of the ones ahead (this process's own
 * CPU, not the client's latency).
 */
export function createRequestHandler(info: InfoService, exchange: ExchangeService, control: SimulatorControl) {
  const queue: Array<() => void> = [];
  const next = (): void => {
    queue.shift()?.();
    if (queue.length > 0) setImmediate(next);
  };
  const inTurn = <T>(job: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => void job().then(resolve, reject));
      if (queue.length === 1) setImmediate(next);
    });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://simulator');
      const path = url.pathname;
      if (path === '/info') {
        if (req.method !== 'POST') return send(res, 405, 'Method Not Allowed', 'text/plain');
        const raw = await readBody(req);
        const delay = info.currentDelay();
        if (delay > 0) await sleep(delay);
        const out = info.handleRaw(clientOf(req), raw);
        if (out.status === 200) return sendJson(res, 200, out.data);
        return send(res, out.status, out.error ?? '', 'text/plain');
      }
      if (path === '/exchange') {
        if (req.method !== 'POST') return send(res, 405, 'Method Not Allowed', 'text/plain');
        const arrivedAt = Date.now();
        const raw = await readBody(req);
        const out = await inTurn(() => exchange.handleRaw(clientOf(req), raw, arrivedAt));
        const delay = exchange.faults.currentDelay();
        if (delay > 0) await sleep(delay);
        if (out.status === 200) return sendJson(res, 200, out.data);
        return send(res, out.status, out.error ?? '', 'text/plain');
      }
      // The exchange's public leaderboard file (stats-data…/Mainnet/leaderboard): no weight.
      if (/^\/(Mainnet|Testnet)\/leaderboard$/.test(path)) {
        if (req.method !== 'GET') return send(res, 405, 'Method Not Allowed', 'text/plain');
        return sendJson(res, 200, info.leaderboard());
      }
      if (path.startsWith('/sim/')) {
        const name = path.slice(5);
        const route = CONTROL_ROUTES[name];
        if (!route) return sendJson(res, 404, { error: `unknown control ${name}`, controls: Object.keys(CONTROL_ROUTES) });
        let body: Record<string, unknown> = Object.fromEntries(url.searchParams);
        if (req.method === 'POST') {
          const raw = await readBody(req);
          if (raw.trim() !== '') {
            const parsed: unknown = JSON.parse(raw);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ControlError('body must be a JSON object');
            body = { ...body, ...(parsed as Record<string, unknown>) };
          }
        } else if (req.method !== 'GET' || !READ_ONLY_ROUTES.has(name)) {
          return sendJson(res, 405, { error: `use POST /sim/${name}` });
        }
        return sendJson(res, 200, route(control, body));
      }
      if (path === '/' && req.method === 'GET') {
        return sendJson(res, 200, {
          name: 'traderscout Hyperliquid simulator',
          info: { path: '/info', method: 'POST', types: SUPPORTED_INFO_TYPES },
          exchange: { path: '/exchange', method: 'POST', actions: SUPPORTED_EXCHANGE_ACTIONS },
          ws: '/ws',
          control: Object.keys(CONTROL_ROUTES).map((n) => `/sim/${n}`),
        });
      }
      return send(res, 404, 'Not Found', 'text/plain');
    } catch (e) {
      if (e instanceof ControlError || e instanceof SyntaxError) return sendJson(res, 400, { error: e.message });
      return sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  };
}
