import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { curveBound, lostWindowSeeds } from '../../src/rate-budget/lost-window';
import { RateBudget, RateBudgetOptions, Reservation } from '../../src/rate-budget/rate-budget';
import { waitFor } from '../support/wait';
import { Grant, maxRollingSum } from './window-check';

/**
 * The shared budget against a real Redis. Two RateBudget instances on two connections stand for
 * two processes. Small windows keep it fast: window 1000 ms + margin 100 ms, 50 weight.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW = 1000;
const MARGIN = 100;
const EFFECTIVE = WINDOW + MARGIN;
const LIMIT = 50;

describe('maxRollingSum (the checker)', () => {
  it('counts grants in (t − window, t]', () => {
    expect(maxRollingSum([], 100)).toBe(0);
    expect(maxRollingSum([{ at: 0, weight: 5 }, { at: 99, weight: 5 }], 100)).toBe(10);
    expect(maxRollingSum([{ at: 0, weight: 5 }, { at: 100, weight: 5 }], 100)).toBe(5);
    expect(maxRollingSum([{ at: 50, weight: 1 }, { at: 0, weight: 5 }, { at: 50, weight: 2 }, { at: 120, weight: 4 }], 100)).toBe(8);
  });
});

describe('RateBudget (real Redis)', () => {
  const connections: Redis[] = [];
  let prefix: string;

  const connect = (): Redis => {
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(r);
    return r;
  };
  const budget = (redis: Redis, over: Partial<RateBudgetOptions> = {}): RateBudget =>
    new RateBudget(redis, {
      keyPrefix: prefix,
      weightPerMinute: LIMIT,
      windowMs: WINDOW,
      safetyMarginMs: MARGIN,
      backoffBaseMs: 300,
      backoffCapMs: 1200,
      waiterGraceMs: 300,
      pollMs: 50,
      ...over,
    });
  const redisNow = async (r: Redis): Promise<number> => {
    const [s, us] = await r.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };

  beforeEach(() => {
    prefix = `test:budget:${randomBytes(6).toString('hex')}`;
  });

  afterEach(async () => {
    const cleaner = new Redis(REDIS_URL);
    const keys = await cleaner.keys(`${prefix}:*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    await Promise.all(connections.splice(0).map((c) => (c.status === 'end' ? undefined : c.quit().catch(() => c.disconnect()))));
  });

  it('never grants more than the limit in any window across two processes, and serves every caller', async () => {
    const a = budget(connect());
    const b = budget(connect());
    const grants: Grant[] = [];
    const reservations: Reservation[] = [];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // 32-bit LCG: reproducible mix of weights
      return (seed >>> 16) % n;
    };
    const worker = async (instance: RateBudget, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const weight = 1 + rand(8);
        const r = await instance.reserve(weight, rand(3) === 0 ? 'low' : 'high');
        reservations.push(r);
        if (rand(4) === 0) await r.settle(Math.max(0, weight - 2)); // settle down, like a short fills page
        grants.push({ at: r.grantedAt, weight: r.weight });
      }
    };
    const started = Date.now();
    await Promise.all([...Array(4)].flatMap(() => [worker(a, 4), worker(b, 4)]));
    const elapsed = Date.now() - started;

    expect(grants).toHaveLength(32);
    expect(maxRollingSum(grants, EFFECTIVE)).toBeLessThanOrEqual(LIMIT);
    // Waiting is exact, not lazy: the demand needs ceil(total / limit) windows at most (plus slack).
    const demand = reservations.reduce((s, r) => s + r.reservedWeight, 0);
    expect(elapsed).toBeLessThan((Math.ceil(demand / LIMIT) + 1) * EFFECTIVE);
    // No busy loop: a handful of script calls per reservation.
    const calls = a.counters().scriptCalls + b.counters().scriptCalls;
    expect(calls).toBeLessThan(32 * 12);
    expect(a.counters().reservationsGranted + b.counters().reservationsGranted).toBe(32);
  });

  it('is atomic: a burst of concurrent tryReserve from three connections gets exactly what fits', async () => {
    const budgets = [budget(connect()), budget(connect()), budget(connect())];
    const results = await Promise.all(budgets.flatMap((bg) => [...Array(20)].map(() => bg.tryReserve(3))));
    const granted = results.filter((r) => r.granted);
    expect(granted).toHaveLength(16); // 16 × 3 = 48 ≤ 50 < 51
    expect((await budgets[0].usage()).usedLastMinute).toBe(48);
    const denied = results.find((r) => !r.granted);
    expect(denied).toMatchObject({ granted: false, reason: 'window_full' });
  });

  it('sleeps exactly until enough weight leaves the window', async () => {
    const a = budget(connect());
    const b = budget(connect());
    const first = await a.reserve(LIMIT);
    const second = await b.reserve(10);
    expect(second.grantedAt).toBeGreaterThanOrEqual(first.grantedAt + EFFECTIVE);
    expect(second.grantedAt).toBeLessThan(first.grantedAt + EFFECTIVE + 150);
    expect(second.waitedMs).toBeGreaterThan(0);
    expect(b.counters().waits).toBe(1);
  });

  it('settles down (frees weight) and up (over the cap blocks later reservations until it fits)', async () => {
    const a = budget(connect());
    const b = budget(connect());
    const r = await a.reserve(40);
    await r.settle(10);
    expect(r.weight).toBe(10);
    expect((await b.usage()).usedLastMinute).toBe(10);
    const fits = await b.tryReserve(40);
    expect(fits.granted).toBe(true);
    expect((await a.usage()).usedLastMinute).toBe(50);

    if (!fits.granted) return;
    await fits.reservation.settle(55); // 10 + 55 = 65 > 50: allowed, documented
    expect((await a.usage()).usedLastMinute).toBe(65);
    const denied = await a.tryReserve(1);
    expect(denied).toMatchObject({ granted: false, reason: 'window_full' });
    if (denied.granted) return;
    // 64 must leave before 1 fits: both entries have to expire, the later one decides.
    expect(denied.retryAfterMs).toBeGreaterThan(EFFECTIVE - 200);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(EFFECTIVE);
    const later = await b.reserve(1);
    expect(later.grantedAt).toBeGreaterThanOrEqual(fits.reservation.grantedAt + EFFECTIVE);
    await r.settle(20); // its entry has left the window: no effect
    expect((await a.usage()).usedLastMinute).toBe(1);
  });

  it('makes low priority yield to a waiting high-priority caller of another process', async () => {
    const a = budget(connect());
    const b = budget(connect());
    const first = await a.reserve(45);
    const order: string[] = [];
    const high = b.reserve(48, 'high').then((r) => {
      order.push('high');
      return r;
    });
    await waitFor(async () => (await a.usage()).waitingHigh === 1, 5000, 10);

    const lowTry = await a.tryReserve(5, 'low'); // fits (45 + 5), but a high is waiting
    expect(lowTry).toMatchObject({ granted: false, reason: 'queued' });
    const highTry = await a.tryReserve(5, 'high'); // later high: FIFO behind the waiting one
    expect(highTry).toMatchObject({ granted: false, reason: 'queued' });

    const low = a.reserve(5, 'low').then((r) => {
      order.push('low');
      return r;
    });
    const [h, l] = await Promise.all([high, low]);
    expect(order).toEqual(['high', 'low']);
    // The high is served as soon as the 45 expires, not delayed by the low.
    expect(h.grantedAt).toBeGreaterThanOrEqual(first.grantedAt + EFFECTIVE);
    expect(h.grantedAt).toBeLessThan(first.grantedAt + EFFECTIVE + 150);
    // 48 + 5 > 50: the low gets in only once the high's 48 has left the window.
    expect(l.grantedAt).toBeGreaterThanOrEqual(h.grantedAt + EFFECTIVE);
    expect((await a.usage()).waitingHigh).toBe(0);
  });

  it('does not let a crashed waiter block low priority forever', async () => {
    const a = budget(connect());
    const crashing = connect();
    const c = budget(crashing);
    const first = await a.reserve(LIMIT);
    const doomed = c.reserve(48, 'high').catch((err: Error) => err);
    await waitFor(async () => (await a.usage()).waitingHigh === 1, 5000, 10);
    crashing.disconnect(); // the "process" dies while queued; its registration stays behind
    expect(await doomed).toBeInstanceOf(Error);
    expect((await a.usage()).waitingHigh).toBe(1);

    // 48 + 5 > 50: the low cannot pass the dead waiter; it is served once the registration expires
    // (its expected wake-up + 300 ms grace), not never.
    const low = await a.reserve(5, 'low');
    expect(low.grantedAt).toBeGreaterThanOrEqual(first.grantedAt + EFFECTIVE + 300);
    expect(low.grantedAt).toBeLessThan(first.grantedAt + EFFECTIVE + 300 + 300);
    expect((await a.usage()).waitingHigh).toBe(0);
  });

  it('releases the queue place of an aborted reservation', async () => {
    const a = budget(connect());
    const b = budget(connect());
    await a.reserve(LIMIT);
    const controller = new AbortController();
    const pending = b.reserve(10, 'high', controller.signal);
    await waitFor(async () => (await a.usage()).waitingHigh === 1, 5000, 10);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    await waitFor(async () => (await a.usage()).waitingHigh === 0, 1000, 10);
    await expect(b.reserve(1, 'high', AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('pauses every process after a 429, backs off exponentially, resets on success', async () => {
    const ra = connect();
    const a = budget(ra);
    const b = budget(connect());
    const before = await redisNow(ra);
    await a.report429();
    let usage = await b.usage();
    expect(usage.consecutive429).toBe(1);
    expect(usage.pausedUntil).not.toBeNull();
    expect(usage.pausedUntil! - before).toBeGreaterThanOrEqual(300);
    expect(usage.pausedUntil! - before).toBeLessThan(400);

    const denied = await b.tryReserve(1);
    expect(denied).toMatchObject({ granted: false, reason: 'paused' });
    if (!denied.granted) expect(denied.retryAfterMs).toBeLessThanOrEqual(300);

    await b.report429(); // an in-flight request of the same episode: no escalation
    expect((await a.usage()).consecutive429).toBe(1);

    const afterPause = await b.reserve(1);
    expect(afterPause.grantedAt).toBeGreaterThanOrEqual(usage.pausedUntil!);

    const again = await redisNow(ra);
    await a.report429(); // still failing after the pause: 600 ms
    usage = await b.usage();
    expect(usage.consecutive429).toBe(2);
    expect(usage.pausedUntil! - again).toBeGreaterThanOrEqual(600);
    expect(usage.pausedUntil! - again).toBeLessThan(700);

    await b.reserve(1); // waits out the pause
    await b.reportSuccess(); // B learnt of the 429s from Redis, so it resets the shared count
    usage = await a.usage();
    expect(usage.consecutive429).toBe(0);
    expect(usage.pausedUntil).toBeNull();
    expect(a.counters().rateLimited429).toBe(2);
    expect(b.counters().rateLimited429).toBe(1);
  });

  it('caps the back-off', async () => {
    const r = connect();
    const a = budget(r, { backoffBaseMs: 10, backoffCapMs: 40 });
    const pauses: number[] = [];
    for (let i = 0; i < 5; i++) {
      await waitFor(async () => (await a.usage()).pausedUntil === null, 1000, 5);
      const t = await redisNow(r);
      await a.report429();
      pauses.push((await a.usage()).pausedUntil! - t);
    }
    const rounded = pauses.map((p) => (p >= 40 ? 40 : p >= 20 ? 20 : p >= 10 ? 10 : 0));
    expect(rounded).toEqual([10, 20, 40, 40, 40]);
  });

  it('reports usage and keeps it right when the running total is lost', async () => {
    const ra = connect();
    const a = budget(ra);
    const b = budget(connect());
    expect(await a.usage()).toEqual({
      weightPerMinute: LIMIT,
      usedLastMinute: 0,
      pausedUntil: null,
      consecutive429: 0,
      waitingHigh: 0,
      waitingLow: 0,
    });
    await a.reserve(10);
    await b.reserve(15, 'low');
    expect((await b.usage()).usedLastMinute).toBe(25);

    await ra.del(a.redisKeys[1]); // the total key vanishes (eviction): recomputed from the window
    expect((await b.usage()).usedLastMinute).toBe(25);
    await waitFor(async () => (await a.usage()).usedLastMinute === 0, 3000, 10);
    expect(a.counters()).toMatchObject({ reservationsGranted: 1, weightGranted: 10 });
  });

  it('keeps budgets of different identities apart', async () => {
    const r = connect();
    const one = budget(r, { identity: 'egress-1' });
    const two = budget(r, { identity: 'egress-2' });
    await one.reserve(LIMIT);
    expect((await two.tryReserve(LIMIT)).granted).toBe(true);
    expect(one.redisKeys[0]).toBe(`${prefix}:{egress-1}:window`);
  });

  it('keeps the burst curve: no interval holds more than burst + limit · length / window', async () => {
    const BURST = 10;
    const a = budget(connect(), { burstWeight: BURST });
    const b = budget(connect(), { burstWeight: BURST });
    const grants: Grant[] = [];
    const worker = async (instance: RateBudget, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) grants.push({ at: (await instance.reserve(1 + (i % 3))).grantedAt, weight: 1 + (i % 3) });
    };
    const started = Date.now();
    await Promise.all([worker(a, 20), worker(b, 20), worker(a, 20)]);
    const elapsed = Date.now() - started;
    grants.sort((x, y) => x.at - y.at);
    const curve = { limit: LIMIT, burst: BURST, windowMs: EFFECTIVE };
    let tightest = -Infinity;
    for (let j = 0; j < grants.length; j++) {
      let sum = 0;
      for (let i = j; i >= 0 && grants[i].at > grants[j].at - EFFECTIVE; i--) {
        sum += grants[i].weight;
        if (i === 0 || grants[i - 1].at !== grants[i].at) tightest = Math.max(tightest, sum - curveBound(curve, grants[j].at - grants[i].at));
      }
    }
    expect(tightest).toBeLessThanOrEqual(0);
    expect(maxRollingSum(grants, EFFECTIVE)).toBeLessThanOrEqual(LIMIT);
    // Paced, not starved: 120 weight at 50 per 1.1 s after the first burst of 10 is about 2.4 s.
    expect(elapsed).toBeLessThan(((120 - BURST) / LIMIT) * EFFECTIVE + 1000);
    await expect(a.reserve(BURST + 1)).rejects.toThrow(RangeError);
  });

  it('a lost state starts from the seeds, then grants exactly what the bound leaves (a ramp, not a window)', async () => {
    const BURST = 10;
    const curve = { limit: LIMIT, burst: BURST, windowMs: EFFECTIVE };
    const r = connect();
    const a = budget(r, { burstWeight: BURST, assumeSpentWhenLost: true });
    expect(await a.tryReserve(2)).toMatchObject({ granted: false, reason: 'window_full' });
    const lostAt = Number(await r.get(a.redisKeys[7]));
    const seeded = await r.zrange(a.redisKeys[0], 0, -1, 'WITHSCORES');
    const seeds: { ageMs: number; weight: number }[] = [];
    for (let i = 0; i < seeded.length; i += 2) {
      seeds.push({ ageMs: lostAt - Number(seeded[i + 1]), weight: Number(seeded[i].split(':')[0]) });
    }
    expect(seeds.sort((x, y) => y.ageMs - x.ageMs)).toEqual(lostWindowSeeds(curve).sort((x, y) => y.ageMs - x.ageMs));

    const grants: Grant[] = [];
    while (grants.length === 0 || grants[grants.length - 1].at < lostAt + EFFECTIVE) {
      grants.push({ at: (await a.reserve(2)).grantedAt, weight: 2 });
    }
    // What the lost history can still hold plus what was granted since never exceeds the limit.
    for (const g of grants) {
      const since = grants.filter((x) => x.at <= g.at).reduce((s, x) => s + x.weight, 0);
      if (g.at < lostAt + EFFECTIVE) expect(since + curveBound(curve, lostAt + EFFECTIVE - g.at)).toBeLessThanOrEqual(LIMIT);
    }
    // The first grant came after about burst · window / limit, far before a whole window.
    expect(grants[0].at - lostAt).toBeLessThan(EFFECTIVE / 2);
    expect(grants[0].at - lostAt).toBeGreaterThanOrEqual(Math.floor((BURST * EFFECTIVE) / LIMIT));
  });

  it('rejects weights that could never be granted', async () => {
    const a = budget(connect());
    await expect(a.reserve(0)).rejects.toThrow(RangeError);
    await expect(a.reserve(LIMIT + 1)).rejects.toThrow(RangeError);
    await expect(a.tryReserve(1.5)).rejects.toThrow(RangeError);
    const r = await a.reserve(1);
    await expect(r.settle(-1)).rejects.toThrow(RangeError);
    await expect(r.settle(0.5)).rejects.toThrow(RangeError);
  });
});
