/**
 * Redis streams for the in-process stand-in (REDIS_URL=memory://). ioredis-mock's own streams
 * reuse ids once MAXLEN trims (ids are `length + 1`), mark entries as read for every reader,
 * misparse `XREAD COUNT … BLOCK …` and never answer null on a timeout, so the commands the app uses
 * (XADD [MAXLEN [~|=] n] id|*, XREAD [COUNT n] [BLOCK ms] STREAMS …, XRANGE, XREVRANGE, XLEN) are
 * implemented here with Redis semantics: ids `<ms>-<seq>`, strictly increasing per stream.
 */
export type StreamEntry = [id: string, fields: string[]];
export type XReadReply = Array<[key: string, entries: StreamEntry[]]> | null;

interface Stream {
  entries: StreamEntry[];
  lastMs: number;
  lastSeq: number;
}

type Id = [number, number];

function parseId(raw: string, missingSeq: number): Id {
  if (raw === '-') return [0, 0];
  if (raw === '+') return [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!m) throw new Error('ERR Invalid stream ID specified as stream command argument');
  return [Number(m[1]), m[2] === undefined ? missingSeq : Number(m[2])];
}

function compare(a: Id, b: Id): number {
  return a[0] - b[0] || a[1] - b[1];
}

export class MemoryStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly clock: () => number = Date.now) {}

  xadd(key: string, ...args: Array<string | number>): string {
    const a = args.map(String);
    let maxLen: number | null = null;
    let approximate = false;
    if (a[0]?.toUpperCase() === 'MAXLEN') {
      a.shift();
      if (a[0] === '~' || a[0] === '=') approximate = a.shift() === '~';
      maxLen = Number(a.shift());
      if (!Number.isInteger(maxLen) || maxLen < 0) throw new Error('ERR value is not an integer or out of range');
    }
    const rawId = a.shift();
    if (rawId === undefined || a.length === 0 || a.length % 2 !== 0) {
      throw new Error("ERR wrong number of arguments for 'xadd' command");
    }
    const stream = this.streams.get(key) ?? { entries: [], lastMs: 0, lastSeq: 0 };
    let id: Id;
    if (rawId === '*') {
      const now = this.clock();
      id = now > stream.lastMs ? [now, 0] : [stream.lastMs, stream.lastSeq + 1];
    } else {
      id = parseId(rawId, 0);
      if (compare(id, [stream.lastMs, stream.lastSeq]) <= 0) {
        throw new Error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
      }
    }
    stream.lastMs = id[0];
    stream.lastSeq = id[1];
    const text = `${id[0]}-${id[1]}`;
    stream.entries.push([text, a]);
    if (maxLen !== null) {
      // `~` trims in chunks (as Redis trims whole nodes), so a long stream is not spliced per add.
      const slack = approximate ? Math.max(100, Math.floor(maxLen / 10)) : 0;
      if (stream.entries.length > maxLen + slack) stream.entries.splice(0, stream.entries.length - maxLen);
    }
    this.streams.set(key, stream);
    for (const wake of [...this.waiters]) wake();
    return text;
  }

  xlen(key: string): number {
    return this.streams.get(key)?.entries.length ?? 0;
  }

  xrange(key: string, start: string, end: string, ...rest: Array<string | number>): StreamEntry[] {
    const { count, lo, hi, entries } = this.rangeOf(key, start, end, rest);
    const out: StreamEntry[] = [];
    for (let i = this.firstAtOrAfter(entries, lo); i < entries.length && out.length < count; i++) {
      if (compare(parseId(entries[i][0], 0), hi) > 0) break;
      out.push(entries[i]);
    }
    return out;
  }

  xrevrange(key: string, end: string, start: string, ...rest: Array<string | number>): StreamEntry[] {
    const { count, lo, hi, entries } = this.rangeOf(key, start, end, rest);
    const out: StreamEntry[] = [];
    for (let i = entries.length - 1; i >= 0 && out.length < count; i--) {
      const id = parseId(entries[i][0], 0);
      if (compare(id, lo) < 0) break;
      if (compare(id, hi) <= 0) out.push(entries[i]);
    }
    return out;
  }

  /** XRANGE/XREVRANGE arguments: COUNT (Infinity without), the id bounds, the stream's entries. */
  private rangeOf(key: string, start: string, end: string, rest: Array<string | number>) {
    return {
      count: this.countOf(rest),
      lo: this.bound(start, 0),
      hi: parseId(end, Number.MAX_SAFE_INTEGER),
      entries: this.streams.get(key)?.entries ?? [],
    };
  }

  /** XREAD [COUNT n] [BLOCK ms] STREAMS key… id…: entries after each id; null when none (after BLOCK ms). */
  async xread(...args: Array<string | number>): Promise<XReadReply> {
    const a = args.map(String);
    let count = Infinity;
    let block: number | null = null;
    while (a.length > 0 && a[0].toUpperCase() !== 'STREAMS') {
      const opt = a.shift()!.toUpperCase();
      const value = Number(a.shift());
      if (opt === 'COUNT') count = value > 0 ? value : Infinity;
      else if (opt === 'BLOCK') block = value;
      else throw new Error('ERR syntax error');
    }
    a.shift();
    if (a.length === 0 || a.length % 2 !== 0) {
      throw new Error("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.");
    }
    const half = a.length / 2;
    const keys = a.slice(0, half);
    // `$` means "after the last entry now".
    const after = a.slice(half).map((raw, i) => {
      if (raw !== '$') return parseId(raw, 0);
      const s = this.streams.get(keys[i]);
      return [s?.lastMs ?? 0, s?.lastSeq ?? 0] as Id;
    });
    const read = (): XReadReply => {
      const out: Array<[string, StreamEntry[]]> = [];
      keys.forEach((key, i) => {
        const entries = this.streams.get(key)?.entries ?? [];
        let from = this.firstAtOrAfter(entries, after[i]);
        if (from < entries.length && compare(parseId(entries[from][0], 0), after[i]) === 0) from++;
        const slice = entries.slice(from, from + (Number.isFinite(count) ? count : entries.length));
        if (slice.length > 0) out.push([key, slice]);
      });
      return out.length > 0 ? out : null;
    };
    const now = read();
    if (now || block === null) return now;
    return new Promise<XReadReply>((resolve) => {
      const done = (value: XReadReply) => {
        this.waiters.delete(wake);
        if (timer) clearTimeout(timer);
        resolve(value);
      };
      const wake = () => {
        const r = read();
        if (r) done(r);
      };
      const timer = block > 0 ? setTimeout(() => done(null), block) : null;
      this.waiters.add(wake);
    });
  }

  /** Deletes streams (DEL / FLUSHDB); returns how many existed. */
  delete(keys: string[]): number {
    let n = 0;
    for (const k of keys) if (this.streams.delete(k)) n++;
    return n;
  }

  has(key: string): boolean {
    return this.streams.has(key);
  }

  private bound(raw: string, missingSeq: number): Id {
    return raw.startsWith('(') ? ((id) => [id[0], id[1] + 1] as Id)(parseId(raw.slice(1), missingSeq)) : parseId(raw, missingSeq);
  }

  private countOf(rest: Array<string | number>): number {
    if (rest.length >= 2 && String(rest[0]).toUpperCase() === 'COUNT') return Number(rest[1]);
    return Infinity;
  }

  /** Index of the first entry whose id is ≥ `id` (binary search; entries are in id order). */
  private firstAtOrAfter(entries: StreamEntry[], id: Id): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(parseId(entries[mid][0], 0), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
