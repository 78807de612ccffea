import type { IncomingMessage, ServerResponse } from 'http';

/** A connect-style middleware that only sets response headers and calls next() at once (cors, helmet). */
export type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Response headers as a flat [name, value, …] list (what `res.writeHead` takes), Vary apart to be extended. */
export interface RecordedHeaders {
  flat: string[];
  vary: string | undefined;
}

/** The part of ServerResponse that header middleware uses, recording instead of sending. */
class RecordingResponse {
  readonly headers = new Map<string, [string, string]>();

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.join(', ') : String(value)]);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[1];
  }

  hasHeader(name: string): boolean {
    return this.headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
}

/**
 * Runs header middleware against a recording response and returns what it set, or null when one
 * did not pass the request on at once (it answered or went asynchronous: the caller must not take
 * that shortcut). For answering ahead of Express with exactly the headers its middleware would set.
 */
export function recordHeaders(req: IncomingMessage, middleware: readonly HeaderMiddleware[]): RecordedHeaders | null {
  const res = new RecordingResponse();
  for (const mw of middleware) {
    let passed = false;
    mw(req, res as unknown as ServerResponse, (err) => (passed = err === undefined));
    if (!passed) return null;
  }
  const flat: string[] = [];
  let vary: string | undefined;
  for (const [key, [name, value]] of res.headers) {
    if (key === 'vary') vary = value;
    else flat.push(name, value);
  }
  return { flat, vary };
}

/**
 * recordHeaders memoised per request shape, for middleware whose headers depend on nothing but
 * the method, the path and the Origin header (cors and helmet with fixed options). Bounded: past
 * `max` shapes the oldest is dropped.
 */
export class HeaderMemo {
  private readonly memo = new Map<string, RecordedHeaders | null>();

  constructor(
    private readonly middleware: readonly HeaderMiddleware[],
    private readonly max = 256,
  ) {}

  get(req: IncomingMessage, path: string): RecordedHeaders | null {
    const origin = req.headers.origin;
    const key = `${req.method} ${path} ${origin === undefined ? '' : `\n${origin}`}`;
    let r = this.memo.get(key);
    if (r === undefined) {
      r = recordHeaders(req, this.middleware);
      if (this.memo.size >= this.max) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(key, r);
    }
    return r;
  }
}
