import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { sleep } from '../common/timers';
import { MemoryStreams } from './memory-streams';

/** REDIS_URL=memory:// (the one-command demo): in-process stand-ins, one process running every role. */
export function isMemoryRedisUrl(url: string): boolean {
  return url.startsWith('memory:');
}

/**
 * ioredis-mock's TIME is unusable for a clock: seconds are rounded (not floored) and the
 * microseconds come from process.hrtime, unrelated to the wall clock, so it jumps back and forth
 * by up to a second. And it runs Lua in fengari, whose integers are 32-bit: `tonumber(t[1]) * 1000`
 * wraps around. Scripts therefore get the wall clock inlined as decimal strings, which makes that
 * arithmetic floating-point, as in real Redis (Lua 5.1 has doubles only).
 */
const TIME_CALL = /redis\.call\(\s*(['"])TIME\1\s*\)/gi;

export function patchLuaTime(script: string, nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  const micros = (nowMs - seconds * 1000) * 1000;
  return script.replace(TIME_CALL, `{'${seconds}.0', '${micros}.0'}`);
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** One stream store per process: every MemoryRedis client (and duplicate) sees the same streams. */
const sharedStreams = new MemoryStreams();

type Args = Array<string | number | Buffer>;

/** How often an emulated BLPOP looks at its lists again. */
const BLOCK_POLL_MS = 50;

/**
 * An ioredis-compatible in-process client (ioredis-mock) with the fixes the app needs:
 * - streams (XADD/XREAD/XRANGE/XREVRANGE/XLEN, also inside MULTI/pipelines) from MemoryStreams;
 * - EVAL/EVALSHA with the wall clock as TIME (see patchLuaTime); EVALSHA knows every script EVAL ran;
 * - `status` is `ready` until quit/disconnect (ioredis-mock leaves it undefined, and code that
 *   waits for `ready` would wait forever: the mock emits it once, right after construction);
 * - BLPOP (ioredis-mock has no blocking list commands): LPOP of each key, again every 50 ms until
 *   the timeout (0 = none) or the client is closed;
 * - `duplicate()` returns a patched client on the same data, pub/sub channels and streams.
 * Data lives as long as the process. Pub/sub, Lua, sorted sets, hashes, lists, MULTI and
 * expiry are ioredis-mock's own.
 */
export function createMemoryRedis(connectionName = 'traderscout'): Redis {
  return patch(new (loadRedisMock())({ connectionName, lazyConnect: false }) as unknown as Redis);
}

/** ioredis-mock is a development dependency (the demo needs `npm ci`); production images omit it. */
function loadRedisMock(): typeof import('ioredis-mock') {
  try {
    return require('ioredis-mock') as typeof import('ioredis-mock');
  } catch {
    throw new Error('REDIS_URL=memory:// needs the development dependencies (npm ci): it is meant for `npm run demo`');
  }
}

function patch(client: Redis): Redis {
  const mock = client as unknown as Record<string, unknown> & {
    customCommands: Record<string, (...args: Args) => unknown>;
    duplicate: (override?: object) => Redis;
    disconnect: () => void;
    quit: () => Promise<string>;
  };
  const streams = sharedStreams;
  const scripts = new Map<string, string>();
  let closed = false;

  const streamCommands: Record<string, (...args: Args) => unknown> = {
    xadd: (key, ...rest) => streams.xadd(String(key), ...rest.map(String)),
    xread: (...args) => streams.xread(...args.map(String)),
    xrange: (key, start, end, ...rest) => streams.xrange(String(key), String(start), String(end), ...rest.map(String)),
    xrevrange: (key, end, start, ...rest) => streams.xrevrange(String(key), String(end), String(start), ...rest.map(String)),
    xlen: (key) => streams.xlen(String(key)),
  };
  for (const [name, fn] of Object.entries(streamCommands)) {
    // Pipelines and MULTI copy customCommands when they are created; direct calls use the method.
    mock.customCommands[name] = fn;
    mock[name] = async (...args: Args) => fn(...args);
  }

  const lpop = (mock.lpop as (key: string) => Promise<string | null>).bind(client);
  mock.blpop = async (...args: Array<string | number | string[]>) => {
    const flat = args.flat().map(String);
    const timeoutS = Number(flat.pop());
    const deadline = timeoutS > 0 ? Date.now() + timeoutS * 1000 : Number.POSITIVE_INFINITY;
    for (;;) {
      if (closed) throw new Error('Connection is closed.');
      for (const key of flat) {
        const value = await lpop(key);
        if (value !== null) return [key, value];
      }
      if (Date.now() >= deadline) return null;
      await sleep(BLOCK_POLL_MS);
    }
  };

  const originalEval = (mock.eval as (...args: Args) => Promise<unknown>).bind(client);
  const mockScripts = mock.shaScripts as Record<string, string>;
  const runScript = async (script: string, numKeys: number | string, ...args: Args): Promise<unknown> => {
    scripts.set(sha1(script), script);
    const patched = patchLuaTime(script);
    try {
      return await originalEval(patched, numKeys, ...args);
    } finally {
      if (patched !== script) delete mockScripts[sha1(patched)]; // one per call: do not keep them
    }
  };
  mock.eval = (script: string, numKeys: number | string, ...args: Args) => runScript(script, numKeys, ...args);
  mock.evalsha = async (sha: string, numKeys: number | string, ...args: Args) => {
    const script = scripts.get(String(sha).toLowerCase());
    if (!script) throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    return runScript(script, numKeys, ...args);
  };

  Object.defineProperty(client, 'status', {
    configurable: true,
    get: () => (closed ? 'end' : 'ready'),
    set: () => undefined,
  });
  const originalDisconnect = mock.disconnect.bind(client);
  mock.disconnect = () => {
    closed = true;
    originalDisconnect();
  };
  const originalQuit = mock.quit.bind(client);
  mock.quit = async () => {
    closed = true;
    return originalQuit();
  };
  const originalDuplicate = mock.duplicate.bind(client);
  mock.duplicate = (override?: object) => patch(originalDuplicate(override));
  return client;
}
