/**
 * Recognises the errors of a dependency that is down or too slow (PostgreSQL through pg / TypeORM,
 * Redis through ioredis), so the exception filter answers 503 with Retry-After instead of a 500.
 * Pure: looks only at the error's name, code, message and wrapped causes.
 */

export type Dependency = 'database' | 'redis';

/** Seconds a client is asked to wait before retrying while a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: whichever dependency raised them, it is unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong query": class 08 (connection
 * exception), 57P01–57P03 (shutdown, crash, cannot connect now), 57014 (statement timeout or
 * cancel), 53300 (too many connections), 40P01 is left out (a deadlock is the caller's to retry).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '57014', '53300'].includes(code);
}

/** Messages of pg and pg-pool for a lost or impossible connection (they carry no code). */
const PG_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** ioredis: a command given up after the retries, on a closed or unwritable connection, or while loading. */
const REDIS_MESSAGES = [
  /^Reached the max retries per request limit/,
  /^Connection is closed\.?$/,
  /^Stream isn't writeable/,
  /^LOADING /,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
  previousErrors?: unknown;
}

/** Which dependency `err` says is unavailable, or null for any other error. */
export function unavailableDependency(err: unknown, depth = 0): Dependency | null {
  if (!err || typeof err !== 'object' || depth > 4) return null;
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (name === 'MaxRetriesPerRequestError' || name === 'RedisUnavailableError') return 'redis';
  if (REDIS_MESSAGES.some((re) => re.test(message))) return 'redis';
  // TypeORM wraps the driver's error (QueryFailedError.driverError); pg's own errors carry the SQLSTATE.
  if (e.driverError) return unavailableDependency(e.driverError, depth + 1) ?? null;
  if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return 'database';
  if (PG_MESSAGES.some((re) => re.test(message))) return 'database';
  // A bare socket error is a pool that could not connect: ioredis never hands those to callers
  // (they become MaxRetriesPerRequestError), so it is Postgres's.
  if (NETWORK_CODES.has(code)) return 'database';
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = unavailableDependency(inner, depth + 1);
    if (found) return found;
  }
  return null;
}
