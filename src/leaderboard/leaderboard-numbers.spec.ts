import { ratio, usd } from './leaderboard-numbers';

describe('leaderboard numbers', () => {
  it('USD: decimal text to a number of cents', () => {
    expect(usd('-2837.279881658892808366998')).toBe(-2837.28);
    expect(usd('1250000.5')).toBe(1250000.5);
    expect(usd('0.005')).toBe(0.01);
    expect(usd('-0.005')).toBe(-0.01);
    expect(usd('-0.001')).toBe(0);
    expect(Object.is(usd('-0.001'), -0)).toBe(false);
    expect(usd('608739069893.13')).toBe(608739069893.13);
    expect(usd(null)).toBeNull();
  });

  it('ratios: 6 significant digits', () => {
    expect(ratio(0.123456789)).toBe(0.123457);
    expect(ratio(-44.1210321)).toBe(-44.121);
    expect(ratio(1234567.89)).toBe(1234570);
    expect(ratio(0.0000123456789)).toBe(0.0000123457);
    expect(ratio(Infinity)).toBeNull();
    expect(ratio(null)).toBeNull();
  });
});
