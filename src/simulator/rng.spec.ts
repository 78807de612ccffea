import { buildCdf, Rng, sampleCdf } from './rng';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('makes addresses and independent forks', () => {
    const r = new Rng(1);
    expect(r.address()).toMatch(/^0x[0-9a-f]{40}$/);
    expect(new Rng(1).fork('x').next()).toBe(new Rng(1).fork('x').next());
    expect(new Rng(1).fork('x').next()).not.toBe(new Rng(1).fork('y').next());
  });

  it('samples a CDF by weight', () => {
    const cdf = buildCdf([1, 0, 3]);
    expect(sampleCdf(cdf, 0)).toBe(0);
    expect(sampleCdf(cdf, 0.24)).toBe(0);
    expect(sampleCdf(cdf, 0.25)).toBe(2);
    expect(sampleCdf(cdf, 0.999)).toBe(2);
    const r = new Rng(9);
    let twos = 0;
    for (let i = 0; i < 10_000; i++) if (sampleCdf(cdf, r.next()) === 2) twos++;
    expect(twos / 10_000).toBeGreaterThan(0.72);
    expect(twos / 10_000).toBeLessThan(0.78);
  });
});
