import { isoOrNull } from './timestamps';

describe('isoOrNull', () => {
  it('formats readable timestamps', () => {
    expect(isoOrNull(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02T00:00:00.000Z');
    expect(isoOrNull('2026-01-02T00:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
    expect(isoOrNull(-1000)).toBe('1969-12-31T23:59:59.000Z');
  });

  it('gives null for what a bad stored value turns into, instead of throwing', () => {
    expect(isoOrNull(new Date(9000000000000000))).toBeNull();
    expect(isoOrNull(Infinity)).toBeNull();
    expect(isoOrNull(-Infinity)).toBeNull();
    expect(isoOrNull('garbage')).toBeNull();
    expect(isoOrNull(null)).toBeNull();
    expect(isoOrNull(undefined)).toBeNull();
  });
});
