import { isBuilderPerpCoin, isPerpCoin, isSpotCoin } from './coins';
import { HyperliquidParseError, isAddress, normaliseAddress, normaliseDecimal, parseAddress, parseEach } from './parse-primitives';

describe('normaliseDecimal', () => {
  it.each([
    ['0.1', '0.1'],
    ['98450.0', '98450.0'],
    ['-0.0213', '-0.0213'],
    ['0', '0'],
    ['+1.5', '1.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1e-7', '0.0000001'],
    ['-2.5E3', '-2500'],
    [0.1, '0.1'],
    [5, '5'],
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseDecimal(raw)).toBe(expected);
  });

  it.each([['abc'], [''], [' 1'], ['1,5'], ['NaN'], ['Infinity'], [Number.NaN], [Infinity], [null], [undefined], [{}], [true], ['0x10'], ['1e1000000000'], ['-5E-99999']])(
    'rejects %j',
    (raw) => {
      expect(normaliseDecimal(raw)).toBeNull();
    },
  );
});

describe('addresses', () => {
  const mixed = '0xDFC24B077BC1425AD1DEA75BCB6F8158E10DF303';

  it('validates and lower-cases', () => {
    expect(normaliseAddress(mixed)).toBe(mixed.toLowerCase());
    expect(parseAddress('0xdfc24b077bc1425ad1dea75bcb6f8158e10df303')).toBe('0xdfc24b077bc1425ad1dea75bcb6f8158e10df303');
    expect(isAddress(mixed)).toBe(true);
  });

  it.each([
    ['0x123'],
    ['dfc24b077bc1425ad1dea75bcb6f8158e10df303'],
    ['0xdfc24b077bc1425ad1dea75bcb6f8158e10df3030'],
    ['0xzfc24b077bc1425ad1dea75bcb6f8158e10df303'],
    [' 0xdfc24b077bc1425ad1dea75bcb6f8158e10df303'],
    [''],
    [null],
    [42],
  ])('rejects %j', (raw) => {
    expect(normaliseAddress(raw)).toBeNull();
    expect(isAddress(raw)).toBe(false);
    expect(() => parseAddress(raw, 'user')).toThrow(new HyperliquidParseError('user: not a 0x address'));
  });
});

describe('parseEach', () => {
  it('rethrows errors that are not parse errors (bugs stay loud)', () => {
    expect(() =>
      parseEach([1], () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('coins', () => {
  it.each([
    ['BTC', true, false],
    ['kPEPE', true, false],
    ['xyz:TSLA', true, true],
    ['@107', false, false],
    ['PURR/USDC', false, false],
    ['', false, false],
  ])('%j: perp %s, builder perp %s', (coin, perp, builder) => {
    expect(isPerpCoin(coin)).toBe(perp);
    expect(isSpotCoin(coin)).toBe(coin !== '' && !perp);
    expect(isBuilderPerpCoin(coin)).toBe(builder);
  });
});
