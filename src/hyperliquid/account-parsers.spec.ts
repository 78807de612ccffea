import { readFileSync } from 'fs';
import { join } from 'path';
import {
  parseBatchClearinghouseStates,
  parseClearinghouseState,
  parsePortfolio,
  parseUserFunding,
  parseUserRole,
} from './account-parsers';
import { HyperliquidParseError } from './parse-primitives';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../test/fixtures', path), 'utf8'));

/** A 2023-style clearinghouseState: no time / cumFunding / maxLeverage, extra maxTradeSzs. */
const legacyState = {
  assetPositions: [
    {
      position: {
        coin: 'ETH',
        entryPx: '1892.6',
        leverage: { type: 'isolated', value: 20, rawUsd: '-1880.42' },
        liquidationPx: '1799.42',
        marginUsed: '92.85',
        maxTradeSzs: ['54.3', '54.3'],
        positionValue: '1897.12',
        returnOnEquity: '0.04774',
        szi: '1.0024',
        unrealizedPnl: '4.53',
      },
      type: 'oneWay',
    },
    {
      position: {
        coin: 'SOL',
        entryPx: null,
        leverage: { type: 'cross', value: 10 },
        liquidationPx: null,
        marginUsed: '5.2',
        maxTradeSzs: ['1', '1'],
        positionValue: '52.0',
        returnOnEquity: '0',
        szi: -2,
        unrealizedPnl: 0,
      },
      type: 'oneWay',
    },
  ],
  crossMarginSummary: { accountValue: '100.0', totalMarginUsed: '5.2', totalNtlPos: '52.0', totalRawUsd: '152.0' },
  marginSummary: { accountValue: '1000.0', totalMarginUsed: '98.05', totalNtlPos: '1949.12', totalRawUsd: '-949.12' },
  withdrawable: '900.0',
};

describe('parseClearinghouseState', () => {
  it('parses the current shape (fixture)', () => {
    const state = parseClearinghouseState(fixture('info/clearinghouseState.json'));
    expect(state).toEqual({
      positions: [
        {
          coin: 'BTC',
          szi: '0.1',
          entryPx: '98450.0',
          positionValue: '9845.0',
          unrealizedPnl: '246.125',
          returnOnEquity: '0.025',
          leverage: { type: 'cross', value: 5 },
          liquidationPx: '80000.0',
          marginUsed: '1969.0',
          maxLeverage: 40,
          cumFunding: { allTime: '-12.345678', sinceOpen: '-1.234567', sinceChange: '-0.123456' },
        },
      ],
      invalidPositions: 0,
      accountValue: '10246.125',
      totalNtlPos: '9845.0',
      totalMarginUsed: '1969.0',
      totalRawUsd: '401.125',
      withdrawable: '8277.125',
      crossMaintenanceMarginUsed: '492.25',
      time: 1784050800000,
    });
  });

  it('accepts the legacy shape (no time, cumFunding, maxLeverage; extra maxTradeSzs; numbers as numbers)', () => {
    const state = parseClearinghouseState(legacyState);
    expect(state.time).toBeNull();
    expect(state.invalidPositions).toBe(0);
    expect(state.accountValue).toBe('1000.0');
    expect(state.crossMaintenanceMarginUsed).toBeNull();
    expect(state.positions).toHaveLength(2);
    const [eth, sol] = state.positions;
    expect(eth).toEqual({
      coin: 'ETH',
      szi: '1.0024',
      entryPx: '1892.6',
      positionValue: '1897.12',
      unrealizedPnl: '4.53',
      returnOnEquity: '0.04774',
      leverage: { type: 'isolated', value: 20, rawUsd: '-1880.42' },
      liquidationPx: '1799.42',
      marginUsed: '92.85',
    });
    expect(eth).not.toHaveProperty('maxLeverage');
    expect(eth).not.toHaveProperty('cumFunding');
    expect(eth).not.toHaveProperty('maxTradeSzs');
    expect(sol.szi).toBe('-2');
    expect(sol.unrealizedPnl).toBe('0');
    expect(sol.entryPx).toBeNull();
    expect(sol.liquidationPx).toBeNull();
  });

  it('skips and counts bad positions instead of failing the account', () => {
    const raw = {
      ...legacyState,
      assetPositions: [
        ...legacyState.assetPositions,
        { position: { coin: 'BTC', szi: 'abc' } },
        null,
        { position: { szi: '1' } },
      ],
    };
    const state = parseClearinghouseState(raw);
    expect(state.positions.map((p) => p.coin)).toEqual(['ETH', 'SOL']);
    expect(state.invalidPositions).toBe(3);
  });

  it('tolerates a malformed leverage or cumFunding (field dropped, position kept)', () => {
    const raw = {
      ...legacyState,
      assetPositions: [
        { position: { ...legacyState.assetPositions[0].position, leverage: 'x', cumFunding: { allTime: 'x' } } },
      ],
    };
    const [p] = parseClearinghouseState(raw).positions;
    expect(p.leverage).toBeNull();
    expect(p).not.toHaveProperty('cumFunding');
  });

  it('accepts an account with no positions', () => {
    const state = parseClearinghouseState({ ...legacyState, assetPositions: [] });
    expect(state.positions).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no margin summary', { assetPositions: [], withdrawable: '1' }],
    ['a bad accountValue', { ...legacyState, marginSummary: { ...legacyState.marginSummary, accountValue: 'NaN' } }],
    ['no withdrawable', { ...legacyState, withdrawable: undefined }],
    ['assetPositions not a list', { ...legacyState, assetPositions: {} }],
  ])('throws a typed error for %s', (_label, raw) => {
    expect(() => parseClearinghouseState(raw)).toThrow(HyperliquidParseError);
  });

  it('gives the reason on the error', () => {
    try {
      parseClearinghouseState({ ...legacyState, withdrawable: 'x' });
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(HyperliquidParseError);
      expect((err as HyperliquidParseError).reason).toBe('withdrawable: not a decimal');
      expect((err as HyperliquidParseError).code).toBe('HYPERLIQUID_PARSE_ERROR');
    }
  });
});

describe('parseBatchClearinghouseStates', () => {
  it('keeps the order and leaves null in place of bad states', () => {
    const result = parseBatchClearinghouseStates([fixture('info/clearinghouseState.json'), null, legacyState]);
    expect(result.invalid).toBe(1);
    expect(result.states.map((s) => s?.accountValue ?? null)).toEqual(['10246.125', null, '1000.0']);
  });
});

describe('parsePortfolio', () => {
  it('parses every period of the fixture', () => {
    const portfolio = parsePortfolio(fixture('info/portfolio.json'));
    expect(portfolio.invalid).toBe(0);
    expect(Object.keys(portfolio.periods).sort()).toEqual(
      ['allTime', 'day', 'month', 'perpAllTime', 'perpDay', 'perpMonth', 'perpWeek', 'week'],
    );
    const day = portfolio.periods.day!;
    expect(day.vlm).toBe('55823015.6599999964');
    expect(day.accountValueHistory).toHaveLength(13);
    expect(day.accountValueHistory[0]).toEqual({ time: 1755772320063, value: '160794563.9261809886' });
    expect(day.pnlHistory[1]).toEqual({ time: 1755780720022, value: '-103692.009923' });
    expect(portfolio.periods.allTime!.accountValueHistory).toHaveLength(76);
    expect(portfolio.periods.perpAllTime!.pnlHistory).toHaveLength(72);
  });

  it('skips bad points and unknown periods', () => {
    const portfolio = parsePortfolio([
      ['day', { accountValueHistory: [[1, '2'], ['x', '3'], [4]], pnlHistory: [[1, 5]], vlm: '7' }],
      ['decade', { accountValueHistory: [], pnlHistory: [], vlm: '1' }],
      ['week', { vlm: 'bad' }],
      'garbage',
    ]);
    expect(portfolio.periods).toEqual({
      day: { accountValueHistory: [{ time: 1, value: '2' }], pnlHistory: [{ time: 1, value: '5' }], vlm: '7' },
    });
    expect(portfolio.invalid).toBe(4);
  });

  it('throws when the response is not a list', () => {
    expect(() => parsePortfolio({})).toThrow(HyperliquidParseError);
  });
});

describe('parseUserRole', () => {
  it('parses the fixture (a vault)', () => {
    expect(parseUserRole(fixture('info/userRole.json'))).toEqual({ role: 'vault', linkedUser: null });
  });

  it('reads the master of a sub-account, lower-cased', () => {
    const master = '0xABCDEF0123456789ABCDEF0123456789ABCDEF01';
    expect(parseUserRole({ role: 'subAccount', data: { master } })).toEqual({
      role: 'subAccount',
      linkedUser: master.toLowerCase(),
    });
  });

  it.each([[{ role: 'king' }], [{}], [null]])('rejects %j', (raw) => {
    expect(() => parseUserRole(raw)).toThrow(HyperliquidParseError);
  });
});

describe('parseUserFunding', () => {
  it('parses the fixture', () => {
    const { items, invalid } = parseUserFunding(fixture('info/userFunding.json'));
    expect(invalid).toBe(0);
    expect(items).toHaveLength(13);
    expect(items[0]).toEqual({
      time: 1681948800000,
      hash: '0xe3f4c682738ae2ee62510a7282db05c55f1b2032b6a366be9af99d6c809ac899',
      coin: 'APE',
      usdc: '0.145796',
      szi: '40.13333333',
      fundingRate: '-0.00029319',
      nSamples: 3,
    });
    expect(items[12].coin).toBe('SOL');
    expect(items[12].szi).toBe('-3.48');
  });

  it('skips and counts bad elements', () => {
    const good = { delta: { coin: 'BTC', usdc: '1', szi: '1', fundingRate: '0.0001', type: 'funding' }, hash: '0x1', time: 5 };
    const { items, invalid } = parseUserFunding([good, { ...good, delta: { ...good.delta, type: 'deposit' } }, {}, 7]);
    expect(items).toEqual([
      { time: 5, hash: '0x1', coin: 'BTC', usdc: '1', szi: '1', fundingRate: '0.0001', nSamples: null },
    ]);
    expect(invalid).toBe(3);
  });
});
