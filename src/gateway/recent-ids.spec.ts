import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('reports duplicates', () => {
    const ids = new RecentIds<number>(10);
    expect(ids.add(1)).toBe(true);
    expect(ids.add(2)).toBe(true);
    expect(ids.add(1)).toBe(false);
    expect(ids.size).toBe(2);
  });

  it('forgets the oldest past its capacity and stays bounded', () => {
    const ids = new RecentIds<number>(3);
    for (let i = 1; i <= 1000; i++) ids.add(i);
    expect(ids.size).toBe(3);
    expect(ids.has(997)).toBe(false);
    expect(ids.has(998)).toBe(true);
    expect(ids.add(1000)).toBe(false);
    expect(ids.add(1)).toBe(true);
  });

  it('rejects a bad capacity', () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});
