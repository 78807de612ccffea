import {
  adversePrice,
  isValidPrice,
  isValidSize,
  maxPriceDecimals,
  meetsMinimumValue,
  roundPrice,
  roundSize,
} from './order-rounding';

describe('order rounding (the exchange tick and lot rules)', () => {
  it('allows 6 − szDecimals price decimals for perps', () => {
    expect(maxPriceDecimals(5)).toBe(1);
    expect(maxPriceDecimals(0)).toBe(6);
  });

  it('accepts at most 5 significant figures, integers always', () => {
    expect(isValidPrice('1234.5', 1)).toBe(true);
    expect(isValidPrice('12345.6', 1)).toBe(false);
    expect(isValidPrice('123456', 5)).toBe(true);
    expect(isValidPrice('0.0012345', 0)).toBe(false); // 7 decimals > 6
    expect(isValidPrice('0.001234', 0)).toBe(true);
    expect(isValidPrice('0.01234', 2)).toBe(false); // 5 decimals > 6 − 2
    expect(isValidPrice('1.2345', 2)).toBe(true);
    expect(isValidPrice('1.23456', 2)).toBe(false);
    expect(isValidPrice('0', 2)).toBe(false);
    expect(isValidPrice('abc', 2)).toBe(false);
    expect(isValidPrice('98450.0', 5)).toBe(true);
  });

  it('rounds prices up or down onto the grid', () => {
    expect(roundPrice('1900.123', 4, 'up')).toBe('1900.2');
    expect(roundPrice('1900.123', 4, 'down')).toBe('1900.1');
    expect(roundPrice('98456.7', 5, 'up')).toBe('98457');
    expect(roundPrice('98456.7', 5, 'down')).toBe('98456');
    expect(roundPrice('123456.7', 5, 'down')).toBe('123456');
    expect(roundPrice('0.00123456', 0, 'up')).toBe('0.001235');
    expect(roundPrice('9.99995', 2, 'up')).toBe('10');
    expect(roundPrice('1900', 4, 'up')).toBe('1900');
    for (const [px, sz] of [['3.14159265', 1], ['27182.818', 5], ['0.000123456', 0], ['99999.9', 3]] as const) {
      expect(isValidPrice(roundPrice(px, sz, 'up'), sz)).toBe(true);
      expect(isValidPrice(roundPrice(px, sz, 'down'), sz)).toBe(true);
    }
  });

  it('rounds on the adverse side: buys up, sells down', () => {
    expect(adversePrice('1900.123', true, 4)).toBe('1900.2');
    expect(adversePrice('1900.123', false, 4)).toBe('1900.1');
    expect(Number(adversePrice(101.234, true, 2))).toBeGreaterThanOrEqual(101.234);
    expect(Number(adversePrice(101.234, false, 2))).toBeLessThanOrEqual(101.234);
  });

  it('truncates sizes toward zero', () => {
    expect(roundSize('0.123456', 4)).toBe('0.1234');
    expect(roundSize('0.99999', 2)).toBe('0.99');
    expect(roundSize('7.9', 0)).toBe('7');
    expect(roundSize('0.00009', 4)).toBe('0');
    expect(isValidSize('0.1234', 4)).toBe(true);
    expect(isValidSize('0.12345', 4)).toBe(false);
    expect(isValidSize('0', 4)).toBe(false);
  });

  it('checks the $10 minimum', () => {
    expect(meetsMinimumValue('1900', '0.0053')).toBe(true);
    expect(meetsMinimumValue('1900', '0.0052')).toBe(false);
    expect(meetsMinimumValue('10', '1')).toBe(true);
  });
});
