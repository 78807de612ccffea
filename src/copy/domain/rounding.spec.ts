import { isValidPerpPrice, roundPriceAdverse, roundSizeDown } from './rounding';

describe('rounding', () => {
  it('rounds sizes toward zero to szDecimals', () => {
    expect(roundSizeDown(0.123456, 3)).toBe('0.123');
    expect(roundSizeDown('-1.9999', 2)).toBe('1.99');
    expect(roundSizeDown(0.0004, 3)).toBe('0');
    expect(roundSizeDown(12.7, 0)).toBe('12');
  });

  it('rounds prices to 5 significant figures on the adverse side', () => {
    expect(roundPriceAdverse(97123.45, 5, true)).toBe('97124');
    expect(roundPriceAdverse(97123.45, 5, false)).toBe('97123');
    expect(roundPriceAdverse(3456.789, 4, true)).toBe('3456.8');
    expect(roundPriceAdverse(3456.789, 4, false)).toBe('3456.7');
    expect(roundPriceAdverse(123456.7, 5, true)).toBe('123457');
  });

  it('caps decimals at 6 − szDecimals', () => {
    // 0.0123456 with szDecimals 2: at most 4 decimals.
    expect(roundPriceAdverse(0.0123456, 2, true)).toBe('0.0124');
    expect(roundPriceAdverse(0.0123456, 2, false)).toBe('0.0123');
    // szDecimals 0: 5 significant figures below 1 are allowed up to 6 decimals.
    expect(roundPriceAdverse(0.123456, 0, false)).toBe('0.12345');
  });

  it('re-rounds when rounding up crosses a power of ten', () => {
    expect(roundPriceAdverse(99999.5, 0, true)).toBe('100000');
    expect(roundPriceAdverse(9.99999, 1, true)).toBe('10');
  });

  it('produces only valid prices', () => {
    for (const px of [0.98765, 1.23456, 19.8765, 1234.567, 65432.1, 250000.5]) {
      for (const sz of [0, 1, 2, 3, 4, 5]) {
        for (const buy of [true, false]) {
          const out = roundPriceAdverse(px, sz, buy);
          expect(isValidPerpPrice(out, sz)).toBe(true);
          if (buy) expect(Number(out)).toBeGreaterThanOrEqual(px);
          else expect(Number(out)).toBeLessThanOrEqual(px);
        }
      }
    }
  });
});
