import { buildCoinSpecs, formatPx, roundPx } from './coins';

describe('coins', () => {
  const [btc, eth] = buildCoinSpecs(['BTC', 'ETH']);
  const pepe = buildCoinSpecs(['kPEPE'])[0];

  it('uses the meta fixture universe', () => {
    expect(buildCoinSpecs()).toHaveLength(28);
    expect(btc).toMatchObject({ index: 0, szDecimals: 5, pxDecimals: 1, maxLeverage: 50 });
    expect(() => buildCoinSpecs(['NOPE'])).toThrow(/unknown coin/);
  });

  it('rounds prices to 5 significant figures, integers always allowed', () => {
    expect(formatPx(btc, roundPx(btc, 106296.4))).toBe('106296.0');
    expect(formatPx(btc, roundPx(btc, 30135.26))).toBe('30135.0');
    expect(formatPx(btc, roundPx(btc, 9876.54))).toBe('9876.5');
    expect(formatPx(eth, roundPx(eth, 1903.956))).toBe('1904.0');
    expect(formatPx(eth, roundPx(eth, 3485.51))).toBe('3485.5');
    expect(formatPx(pepe, roundPx(pepe, 0.00156549))).toBe('0.001565');
    expect(roundPx(pepe, 0)).toBe(1);
  });
});
