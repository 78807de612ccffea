import { applyTrade } from './position-math';
import { unwindTrade } from './first-sight';

describe('unwindTrade', () => {
  const cases: Array<[string, string | null, 'B' | 'A', string, string]> = [
    ['1', '100', 'B', '1', '100'], // opened: flat before
    ['3', '110', 'B', '1', '130'], // increased
    ['-2', '50', 'A', '0.5', '40'], // short increased
    ['1', '100', 'A', '1', '120'], // reduced
    ['-1', '120', 'A', '3', '120'], // flipped
  ];
  it.each(cases)('is the inverse of applyTrade for %s @ %s after %s %s @ %s', (szi, entryPx, side, sz, px) => {
    const before = unwindTrade({ szi, entryPx }, side, sz, px);
    const forward = applyTrade(before, side, sz, px);
    expect(forward.szi).toBe(szi);
    if (before?.entryPx) expect(forward.entryPx).toBe(entryPx);
  });

  it('recovers what can be recovered', () => {
    expect(unwindTrade({ szi: '1', entryPx: '100' }, 'B', '1', '100')).toBeNull();
    expect(unwindTrade({ szi: '3', entryPx: '110' }, 'B', '1', '130')).toEqual({ szi: '2', entryPx: '100' });
    expect(unwindTrade({ szi: '1', entryPx: '100' }, 'A', '1', '120')).toEqual({ szi: '2', entryPx: '100' });
    expect(unwindTrade(null, 'A', '2.5', '100')).toEqual({ szi: '2.5', entryPx: null }); // closed: entry unknown
    expect(unwindTrade({ szi: '-1', entryPx: '120' }, 'A', '3', '120')).toEqual({ szi: '2', entryPx: null });
  });
});
