import { Backpressure } from './backpressure';

describe('Backpressure', () => {
  it('pauses at the bound, resumes at half, and counts the time paused', () => {
    const b = new Backpressure(1000);
    expect(b.update(999, 0)).toBeNull();
    expect(b.update(1000, 10)).toBe(true);
    expect(b.paused).toBe(true);
    expect(b.update(1500, 20)).toBeNull();
    expect(b.update(501, 30)).toBeNull();
    expect(b.update(500, 110)).toBe(false);
    expect(b.pausedMs(200)).toBe(100);
    expect(b.update(1200, 300)).toBe(true);
    expect(b.pausedMs(350)).toBe(150);
    expect(b.pauses).toBe(2);
  });
});
