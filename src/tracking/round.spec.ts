import { msToNextRound, roundStartFor } from './round';

describe('tracking rounds', () => {
  it('aligns rounds to multiples of the interval so every worker agrees', () => {
    expect(roundStartFor(150_000, 75).getTime()).toBe(150_000);
    expect(roundStartFor(224_999, 75).getTime()).toBe(150_000);
    expect(roundStartFor(225_000, 75).getTime()).toBe(225_000);
  });

  it('counts down to the next boundary', () => {
    expect(msToNextRound(150_000, 75)).toBe(75_000);
    expect(msToNextRound(224_000, 75)).toBe(1_000);
  });
});
