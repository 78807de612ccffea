import { RateBudget } from '../rate-budget/rate-budget';
import { createMemoryRedis, patchLuaTime } from './memory-redis';
import { MemoryStreams } from './memory-streams';

describe('MemoryStreams', () => {
  it('gives strictly increasing ids that survive MAXLEN trimming', () => {
    let now = 1000;
    const s = new MemoryStreams(() => now);
    const ids = [s.xadd('k', 'MAXLEN', '=', 2, '*', 'f', 'a'), s.xadd('k', 'MAXLEN', '=', 2, '*', 'f', 'b')];
    now = 1001;
    ids.push(s.xadd('k', 'MAXLEN', '=', 2, '*', 'f', 'c'));
    expect(ids).toEqual(['1000-0', '1000-1', '1001-0']);
    expect(s.xlen('k')).toBe(2);
    expect(s.xrange('k', '-', '+').map(([, f]) => f[1])).toEqual(['b', 'c']);
    expect(s.xrevrange('k', '+', '-', 'COUNT', 1)).toEqual([['1001-0', ['f', 'c']]]);
    expect(() => s.xadd('k', '1000-5', 'f', 'x')).toThrow(/equal or smaller/);
  });

  it('reads after an id per stream with COUNT, and answers null when nothing is new', async () => {
    const s = new MemoryStreams();
    const a1 = s.xadd('a', '*', 'f', '1');
    s.xadd('a', '*', 'f', '2');
    s.xadd('b', '*', 'f', 'x');
    const r = await s.xread('COUNT', 1, 'STREAMS', 'a', 'b', '0-0', '0-0');
    expect(r).toEqual([
      ['a', [[a1, ['f', '1']]]],
      ['b', [[expect.any(String), ['f', 'x']]]],
    ]);
    const last = (await s.xread('STREAMS', 'a', a1))![0][1];
    expect(last.map(([, f]) => f[1])).toEqual(['2']);
    expect(await s.xread('BLOCK', 20, 'STREAMS', 'a', '$')).toBeNull();
  });

  it('wakes a blocked XREAD when an entry arrives', async () => {
    const s = new MemoryStreams();
    const pending = s.xread('COUNT', 10, 'BLOCK', 5000, 'STREAMS', 'a', '0-0');
    setTimeout(() => s.xadd('a', '*', 'f', 'late'), 10);
    const r = await pending;
    expect(r?.[0][1][0][1]).toEqual(['f', 'late']);
  });
});

describe('createMemoryRedis', () => {
  it('hands Lua a floating-point TIME (no 32-bit wrap of milliseconds)', async () => {
    const redis = createMemoryRedis();
    const script = "local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";
    expect(patchLuaTime(script)).not.toEqual(script);
    const before = Date.now();
    const now = Number(await redis.eval(script, 0));
    expect(now).toBeGreaterThanOrEqual(before - 5);
    expect(now).toBeLessThanOrEqual(Date.now() + 5);
    redis.disconnect();
  });

  it('runs the shared weight budget: grants, waits, and pauses on a 429 with a real deadline', async () => {
    const redis = createMemoryRedis();
    const budget = new RateBudget(redis, { keyPrefix: `t${Math.random()}`, weightPerMinute: 100, windowMs: 500, safetyMarginMs: 0 });
    await budget.reserve(60);
    const started = Date.now();
    await budget.reserve(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await budget.report429();
    const usage = await budget.usage();
    expect(usage.pausedUntil).toBeGreaterThan(Date.now());
    expect(usage.pausedUntil! - Date.now()).toBeLessThan(120_000);
    redis.disconnect();
  });

  it('supports MULTI with XADD, pub/sub across duplicates, SET NX PX and a ready status', async () => {
    const redis = createMemoryRedis();
    const sub = redis.duplicate();
    expect(redis.status).toBe('ready');
    const got: string[] = [];
    sub.on('message', (_c: string, m: string) => got.push(m));
    await sub.subscribe('chan');
    const results = await redis.multi().zadd('z', 'NX', 1, 'a').xadd('s', 'MAXLEN', '~', 10, '*', 't', 'x').exec();
    expect(results?.[1][1]).toMatch(/^\d+-\d+$/);
    expect(await redis.xlen('s')).toBe(1);
    await redis.publish('chan', 'hello');
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['hello']);
    expect(await redis.set('lock', 'a', 'PX', 1000, 'NX')).toBe('OK');
    expect(await redis.set('lock', 'b', 'PX', 1000, 'NX')).toBeNull();
    sub.disconnect();
    await redis.quit();
    expect(redis.status).toBe('end');
  });

  it('emulates BLPOP: an element pushed by another client, a timeout as null, a closed client as an error', async () => {
    const redis = createMemoryRedis();
    const blocking = redis.duplicate();
    const waiting = blocking.blpop('jobs', 2);
    setTimeout(() => void redis.rpush('jobs', 'one'), 100);
    expect(await waiting).toEqual(['jobs', 'one']);
    const started = Date.now();
    expect(await blocking.blpop('jobs', 1)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const pending = blocking.blpop('jobs', 0);
    blocking.disconnect();
    await expect(pending).rejects.toThrow('Connection is closed');
    redis.disconnect();
  });
});
