import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { RateBudget } from '../../src/rate-budget/rate-budget';
import { Grant, maxRollingSum } from './window-check';

/**
 * Low priority's bounded share of each window against a real Redis: however idle high-priority
 * work is, low-priority grants never exceed the share in any window; high-priority work uses the
 * rest, and a non-blocking low attempt that is refused spends nothing of the share.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW = 1000;
const MARGIN = 100;
const LIMIT = 100;

describe('RateBudget low-priority share (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  const budget = (percent = 20) =>
    new RateBudget(redis, { keyPrefix: prefix, weightPerMinute: LIMIT, windowMs: WINDOW, safetyMarginMs: MARGIN, pollMs: 20, lowPriorityPercent: percent });

  beforeEach(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    prefix = `test:budget:${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    const keys = await redis.keys(`test:budget:${prefix.split(':')[2]}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('low-priority grants stay within 20 % of every window while high priority takes the rest', async () => {
    const a = budget();
    const b = budget();
    const low: Grant[] = [];
    const high: Grant[] = [];
    const until = Date.now() + 3 * WINDOW;
    const lowLane = async (bg: RateBudget) => {
      while (Date.now() < until) low.push({ at: (await bg.reserve(5, 'low')).grantedAt, weight: 5 });
    };
    const highLane = async () => {
      while (Date.now() < until) high.push({ at: (await a.reserve(10, 'high')).grantedAt, weight: 10 });
    };
    await Promise.all([lowLane(a), lowLane(b), lowLane(b), highLane()]);
    expect(low.length).toBeGreaterThan(4);
    expect(maxRollingSum(low, WINDOW + MARGIN)).toBeLessThanOrEqual(20);
    expect(maxRollingSum([...low, ...high], WINDOW + MARGIN)).toBeLessThanOrEqual(LIMIT);
    // High priority is not held back by the share: it gets (nearly) everything low does not.
    expect(high.reduce((s, g) => s + g.weight, 0)).toBeGreaterThan(2 * (LIMIT - 20));
  });

  it('a refused non-blocking low attempt spends nothing; one request heavier than the share fits an empty window', async () => {
    const bg = budget(20);
    expect((await bg.tryReserve(15, 'low')).granted).toBe(true);
    const refused = await bg.tryReserve(10, 'low');
    expect(refused).toMatchObject({ granted: false, reason: 'low_share' });
    expect((await bg.tryReserve(5, 'low')).granted).toBe(true); // 15 + 5 = the share, exactly
    // High priority is unaffected by the spent share.
    expect((await bg.tryReserve(60, 'high')).granted).toBe(true);

    // 5 of 100: a 60-weight lookup is still granted, once per window.
    prefix = `${prefix}:tiny`;
    const tiny = budget(5);
    expect(tiny.lowShare?.limit).toBe(5);
    expect((await tiny.tryReserve(60, 'low')).granted).toBe(true);
    expect(await tiny.tryReserve(30, 'low')).toMatchObject({ granted: false, reason: 'low_share' });
  });
});
