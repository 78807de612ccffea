/** What Redis holds under a name: its type, or `prefix` for a family of keys built from it. */
export type RedisNameType = 'stream' | 'channel' | 'zset' | 'hash' | 'list' | 'set' | 'string' | 'prefix';

/**
 * One contract between processes: the Redis names it owns and the folders of src/ that use it.
 * Each lives in its own file beside this one, with the typed encode/decode of what it carries;
 * `index.ts` lists them all and `contracts.spec.ts` checks the list against the code.
 */
export interface RedisContract {
  /** What it carries, in a few words. */
  readonly title: string;
  /** Every key, key prefix and channel it declares (each declared by exactly one contract). */
  readonly names: ReadonlyArray<{ readonly name: string; readonly type: RedisNameType }>;
  /** The folders of src/ (first level) that import this contract. */
  readonly users: readonly string[];
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A stream entry's value of `field` (ioredis gives an entry's fields as a flat [name, value, …] list). */
export function streamField(fields: readonly string[], field: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1];
  return undefined;
}

/** An XREAD / XRANGE entry as ioredis returns it: [id, [field, value, …]]. */
export type StreamEntry = [id: string, fields: string[]];

/** A decoded message, or why it is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A message that must be a JSON object: the object, or why it is not one. */
export function parseJsonObject(message: string): Parsed<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  return isObject(v) ? { ok: true, value: v } : { ok: false, error: 'not an object' };
}
