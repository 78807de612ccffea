import { formatBigScaled, formatDecimal, formatScaled, formatSignificant, parseScaled } from './format';

describe('format', () => {
  it('formats scaled integers like the exchange', () => {
    expect(formatScaled(984500, 1)).toBe('98450.0');
    expect(formatScaled(17, 5)).toBe('0.00017');
    expect(formatScaled(-21300, 5)).toBe('-0.213');
    expect(formatScaled(0, 4)).toBe('0.0');
    expect(formatScaled(-0, 2)).toBe('0.0');
    expect(formatScaled(45986, 0)).toBe('45986.0');
    expect(formatScaled(1565, 6)).toBe('0.001565');
    expect(formatScaled(123456789012345, 6)).toBe('123456789.012345');
  });

  it('formats bigints and floats without exponents', () => {
    expect(formatBigScaled(55823015659999n, 6)).toBe('55823015.659999');
    expect(formatBigScaled(0n, 6)).toBe('0.0');
    expect(formatBigScaled(-1500000n, 6)).toBe('-1.5');
    expect(formatDecimal(1e-7, 6)).toBe('0.0');
    expect(formatDecimal(-1e-9, 6)).toBe('0.0');
    expect(formatDecimal(1.5e20, 2)).toBe('150000000000000000000.0');
    expect(formatDecimal(246.125, 6)).toBe('246.125');
    expect(formatSignificant(0.0249968328123, 10)).toBe('0.02499683281');
    expect(formatSignificant(80000, 10)).toBe('80000.0');
  });

  it('parses decimal strings exactly', () => {
    expect(parseScaled('0.1', 1)).toBe(1);
    expect(parseScaled('0.00017', 5)).toBe(17);
    expect(parseScaled('-1.25', 2)).toBe(-125);
    expect(parseScaled('3', 0)).toBe(3);
    expect(parseScaled('.5', 1)).toBe(5);
    expect(parseScaled('0.126', 2)).toBe(13);
    expect(parseScaled(0.3, 1)).toBe(3);
    expect(parseScaled(1.0000001, 4)).toBe(10000);
    expect(parseScaled('1e5', 0)).toBeNaN();
    expect(parseScaled('abc', 2)).toBeNaN();
    expect(parseScaled('', 2)).toBeNaN();
  });
});
