import { firstUnknownQueryKey, queryKeys } from './query-keys';

describe('queryKeys', () => {
  it('lists each name once, decoded, without bracket suffixes', () => {
    expect(queryKeys('')).toEqual([]);
    expect(queryKeys('limit=5&page=2&limit=6')).toEqual(['limit', 'page']);
    expect(queryKeys('a%5Bb%5D=1&c[d]=2&flag&e+f=3')).toEqual(['a', 'c', 'flag', 'e f']);
    expect(queryKeys('%E0%A4%A=1')).toEqual(['%E0%A4%A']);
  });
});

describe('firstUnknownQueryKey', () => {
  const allowed = new Set(['limit', 'before']);
  it('accepts declared names only', () => {
    expect(firstUnknownQueryKey('limit=5&before=9', allowed)).toBeNull();
    expect(firstUnknownQueryKey('limit=5&sort=x', allowed)).toBe('sort');
    expect(firstUnknownQueryKey('x=1', new Set())).toBe('x');
  });

  it('rejects prototype names however they are spelled', () => {
    for (const q of ['toString=1', '__proto__=1', '__proto__[x]=1', 'constructor=1', 'constructor[prototype]=1', 'hasOwnProperty=1', '%5F_proto__=1']) {
      expect(firstUnknownQueryKey(q, allowed)).toMatch(/^(toString|__proto__|constructor|hasOwnProperty)$/);
    }
  });
});
