import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { WsTrade } from '../../src/simulator';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixture<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

export interface InfoReply<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** POST /info with a JSON body (or a raw string). */
export async function postInfo<T = unknown>(infoUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<InfoReply<T>> {
  const res = await fetch(infoUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text };
}

export async function simPost<T = unknown>(httpUrl: string, name: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${httpUrl}/sim/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`/sim/${name} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function simGet<T = unknown>(httpUrl: string, name: string): Promise<T> {
  const res = await fetch(`${httpUrl}/sim/${name}`);
  return (await res.json()) as T;
}

export interface Frame {
  text: string;
  json: any;
  binary: boolean;
  at: number;
}

/** A raw WebSocket client that records every frame. */
export class WsProbe {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private listeners: Array<() => void> = [];

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      let json: unknown = undefined;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      this.frames.push({ text, json, binary: isBinary, at: Date.now() });
      for (const l of this.listeners) l();
    });
    this.ws.on('error', () => undefined);
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<WsProbe> {
    const p = new WsProbe(url, headers);
    await p.opened;
    await p.next((f) => f.text === 'Websocket connection established.');
    return p;
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** The first frame (from index `from`) matching, waiting for it if needed. */
  next(match: (f: Frame) => boolean, timeoutMs = 3000, from = 0): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = from; i < this.frames.length; i++) {
          if (match(this.frames[i])) {
            cleanup();
            resolve(this.frames[i]);
            return true;
          }
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching frame within ${timeoutMs} ms; last: ${this.frames.slice(-3).map((f) => f.text).join(' | ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      const listener = () => void check();
      this.listeners.push(listener);
      check();
    });
  }

  async subscribe(subscription: Record<string, unknown>): Promise<Frame> {
    const from = this.frames.length;
    this.send({ method: 'subscribe', subscription });
    return this.next(
      (f) => f.json?.channel === 'subscriptionResponse' && JSON.stringify(f.json.data.subscription) === JSON.stringify(subscription),
      3000,
      from,
    );
  }

  /** Every trade received so far (from `trades` frames). */
  trades(): WsTrade[] {
    return this.frames.filter((f) => f.json?.channel === 'trades').flatMap((f) => f.json.data);
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface ShapeOptions {
  /** Keys that may be present on one side and absent on the other. */
  optional?: readonly string[];
  /** Keys whose value may be null on one side and a value on the other. */
  nullable?: readonly string[];
  /** JSON paths of objects used as maps (coin → price): only value kinds are compared. */
  records?: readonly string[];
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences between the shape of `actual` and `expected`: same keys (up to `optional`), same
 * JSON kinds, numeric strings where the fixture has numeric strings. Arrays whose elements share a
 * kind are compared element-wise to the fixture's first element; mixed ones (tuples) positionally.
 */
export function shapeDiff(actual: unknown, expected: unknown, opts: ShapeOptions = {}, path = '$'): string[] {
  const ka = kind(actual);
  const ke = kind(expected);
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (ka !== ke) {
    if ((ka === 'null' || ke === 'null') && opts.nullable?.includes(key)) return [];
    return [`${path}: ${ka} where the fixture has ${ke}`];
  }
  if (ke === 'string') {
    return DECIMAL.test(expected as string) && !DECIMAL.test(actual as string)
      ? [`${path}: "${String(actual)}" is not a decimal string like "${String(expected)}"`]
      : [];
  }
  if (ke === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    if (a.length === 0 || e.length === 0) return [];
    const tuple = new Set(e.map(kind)).size > 1;
    if (tuple) {
      if (a.length !== e.length) return [`${path}: tuple of ${a.length} where the fixture has ${e.length}`];
      return a.flatMap((v, i) => shapeDiff(v, e[i], opts, `${path}[${i}]`));
    }
    return a.flatMap((v, i) => shapeDiff(v, e[0], opts, `${path}[${i}]`)).slice(0, 20);
  }
  if (ke === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    if (opts.records?.includes(path)) {
      const sample = Object.values(e)[0];
      return Object.entries(a).flatMap(([k, v]) => shapeDiff(v, sample, opts, `${path}.${k}`));
    }
    const out: string[] = [];
    for (const k of Object.keys(e)) {
      if (!(k in a)) {
        if (!opts.optional?.includes(k)) out.push(`${path}.${k}: missing`);
      } else out.push(...shapeDiff(a[k], e[k], opts, `${path}.${k}`));
    }
    for (const k of Object.keys(a)) {
      if (!(k in e) && !opts.optional?.includes(k)) out.push(`${path}.${k}: not in the fixture`);
    }
    return out;
  }
  return [];
}
