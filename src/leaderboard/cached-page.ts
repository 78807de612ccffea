import { createHash } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { promisify } from 'util';
import { brotliCompress, constants as zlibConstants, gzip } from 'zlib';
import type { RecordedHeaders } from '../common/header-recorder';

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Bodies smaller than this are sent as they are (compression would save next to nothing). */
const COMPRESS_MIN_BYTES = 1024;
/** Brotli quality 6: about gzip -9's size or better, at a few milliseconds for a 78 KB page. */
const BROTLI_QUALITY = 6;
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A compressed variant: the work under way, then its result. */
interface Slot {
  pending: Promise<Variant>;
  ready?: Variant;
}

interface Variant {
  coding: ContentCoding;
  body: Buffer;
  etag: string;
}

/**
 * One leaderboard page as sent: the JSON bytes built once, a strong ETag (content hash, so every
 * replica gives the same), and its compressed variants, each built once (off the event loop, on
 * zlib's thread pool) when a client first accepts it.
 */
export class CachedPage {
  readonly bytes: number;
  private readonly identity: Variant;
  private readonly compressed = new Map<'br' | 'gzip', Slot>();

  constructor(
    json: string,
    /** When the page's generation was computed (null: no generation yet). */
    readonly computedAt: Date | null,
  ) {
    const body = Buffer.from(json, 'utf8');
    const hash = createHash('sha1').update(body).digest('base64url').slice(0, 22);
    this.identity = { coding: 'identity', body, etag: `"${hash}"` };
    this.bytes = body.length;
  }

  /** The variant in `coding` if built (compressible pages only; identity otherwise and always). */
  ready(coding: ContentCoding): Variant | null {
    if (coding === 'identity' || this.bytes < COMPRESS_MIN_BYTES) return this.identity;
    return this.compressed.get(coding)?.ready ?? null;
  }

  /** Compresses the variant in `coding` (once: concurrent callers share the work). */
  build(coding: 'br' | 'gzip'): Promise<Variant> {
    let slot = this.compressed.get(coding);
    if (!slot) {
      const etag = `"${this.identity.etag.slice(1, -1)}-${coding}"`;
      const made =
        coding === 'br'
          ? brotli(this.identity.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
          : gzipAsync(this.identity.body);
      const s: Slot = {
        pending: made.then((body) => {
          s.ready = { coding, body, etag };
          return s.ready;
        }),
      };
      slot = s;
      this.compressed.set(coding, slot);
    }
    return slot.pending;
  }

  /** The JSON text (what the Redis cache holds). */
  json(): string {
    return this.identity.body.toString('utf8');
  }
}

/**
 * The content coding to answer with for an `Accept-Encoding` header: br, else gzip, else identity,
 * honouring `q=0` and `*` (RFC 9110 §12.5.3). Pure.
 */
export function negotiateEncoding(header: string | undefined): ContentCoding {
  if (!header) return 'identity';
  let br = -1;
  let gz = -1;
  let star = -1;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [k, v] = param.split('=');
      if (k.trim().toLowerCase() === 'q') q = Number(v);
    }
    if (!Number.isFinite(q)) q = 0;
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gz = Math.max(gz, q);
    else if (name === '*') star = q;
  }
  if (br < 0) br = star;
  if (gz < 0) gz = star;
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return br > 0 ? 'br' : 'identity';
}

/** Whether an `If-None-Match` header matches `etag` (weak comparison, `*`, lists). Pure. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim();
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

/**
 * `Cache-Control` for a page: shared caches and browsers may keep it until the next generation is
 * due (computed_at + the leaderboard interval), then revalidate with the ETag; before the first
 * generation, revalidate every time. Pure.
 */
export function cacheControlFor(computedAt: Date | null, intervalSeconds: number, now: number): string {
  if (computedAt === null) return 'no-cache';
  const left = Math.floor((computedAt.getTime() + intervalSeconds * 1000 - now) / 1000);
  return `public, max-age=${Math.min(intervalSeconds, Math.max(0, left))}, must-revalidate`;
}

/**
 * Sends `page` in the coding the request accepts (or 304 when its If-None-Match holds the ETag),
 * with ETag, Cache-Control (from the leaderboard interval) and `Vary: Accept-Encoding`, plus the
 * headers already decided: those set on `res` (Express: CORS, security, rate limit), or `preset`
 * (the fast path: the same, recorded; its `flat` list is extended in place), then written in one writeHead. Plain node:http, so the fast
 * path and the controller answer alike. A variant not compressed yet is built first (once per
 * page and coding).
 */
export function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  page: CachedPage,
  intervalSeconds: number,
  preset?: RecordedHeaders,
): void | Promise<void> {
  const cacheControl = cacheControlFor(page.computedAt, intervalSeconds, Date.now());
  const coding = negotiateEncoding(req.headers['accept-encoding']);
  const v = page.ready(coding);
  if (v) return write(req, res, v, cacheControl, preset);
  return page.build(coding as 'br' | 'gzip').then((built) => write(req, res, built, cacheControl, preset));
}

function write(req: IncomingMessage, res: ServerResponse, v: Variant, cacheControl: string, preset?: RecordedHeaders): void {
  const vary = preset ? preset.vary : res.getHeader('Vary');
  const headers = preset ? preset.flat : [];
  headers.push('Vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding', 'ETag', v.etag, 'Cache-Control', cacheControl);
  const notModified = etagMatches(req.headers['if-none-match'], v.etag);
  if (!notModified) {
    headers.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(v.body.length));
    if (v.coding !== 'identity') headers.push('Content-Encoding', v.coding);
  }
  if (!preset) {
    // Express's path: its headers are on `res` already, these join them.
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
    res.statusCode = notModified ? 304 : 200;
  } else {
    res.writeHead(notModified ? 304 : 200, headers);
  }
  res.end(notModified || req.method === 'HEAD' ? undefined : v.body);
}
