import { buildCoinSpecs } from './coins';
import { gridStep, priceOnGrid, sizeOnGrid } from './exchange-rules';

describe('exchange tick and lot rules', () => {
  const [btc] = buildCoinSpecs(['BTC']); // szDecimals 5: prices with ≤ 1 decimal
  const [eth] = buildCoinSpecs(['ETH']); // szDecimals 4: ≤ 2 decimals

  it('accepts prices with ≤ 5 significant figures and ≤ 6 − szDecimals decimals; integers always', () => {
    expect(priceOnGrid(btc, '98450')).toBe(984500);
    expect(priceOnGrid(btc, '123456')).toBe(1234560);
    expect(priceOnGrid(btc, '98450.5')).toBeUndefined(); // 6 figures
    expect(priceOnGrid(btc, '9845.5')).toBe(98455);
    expect(priceOnGrid(btc, '9845.55')).toBeUndefined(); // 2 decimals
    expect(priceOnGrid(eth, '1900.5')).toBe(190050);
    expect(priceOnGrid(eth, '1900.55')).toBeUndefined();
    expect(priceOnGrid(eth, '19.055')).toBeUndefined(); // 3 decimals
    expect(priceOnGrid(eth, '0')).toBeUndefined();
  });

  it('accepts sizes with ≤ szDecimals decimals', () => {
    expect(sizeOnGrid(eth, '0.0123')).toBe(123);
    expect(sizeOnGrid(eth, '0.01234')).toBeUndefined();
    expect(sizeOnGrid(eth, '0')).toBeUndefined();
  });

  it('steps the grid by magnitude', () => {
    expect(gridStep(btc, 984500)).toBe(10); // integer dollars
    expect(gridStep(eth, 190050)).toBe(10); // 0.1 at 1900
    expect(gridStep(eth, 1905)).toBe(1); // 0.01 at 19
  });
});
