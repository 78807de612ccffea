import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllMids, parseMeta, parseMetaAndAssetCtxs } from './market-parsers';
import { HyperliquidParseError } from './parse-primitives';
import { parseWsFrame } from './ws-frame-parser';

const fixtureText = (path: string): string => readFileSync(join(__dirname, '../../test/fixtures', path), 'utf8');
const fixture = (path: string): unknown => JSON.parse(fixtureText(path));

describe('parseMeta', () => {
  it('parses the fixture universe with asset ids', () => {
    const { items, invalid } = parseMeta(fixture('info/meta.json'));
    expect(invalid).toBe(0);
    expect(items).toHaveLength(28);
    expect(items[0]).toEqual({ name: 'BTC', assetId: 0, szDecimals: 5, maxLeverage: 50, isDelisted: false, onlyIsolated: false });
    expect(items[27]).toMatchObject({ name: 'APT', assetId: 27, szDecimals: 2 });
    expect(items.find((m) => m.name === 'kPEPE')?.szDecimals).toBe(0);
  });

  it('keeps asset ids aligned when an entry is bad, reads isDelisted', () => {
    const { items, invalid } = parseMeta({
      universe: [
        { name: 'A', szDecimals: 1, maxLeverage: 3 },
        { name: 'B' },
        { name: 'C', szDecimals: 0, maxLeverage: 5, isDelisted: true, onlyIsolated: true },
      ],
      marginTables: [],
    });
    expect(invalid).toBe(1);
    expect(items.map((m) => [m.name, m.assetId, m.isDelisted, m.onlyIsolated])).toEqual([
      ['A', 0, false, false],
      ['C', 2, true, true],
    ]);
  });

  it('throws without a universe', () => {
    expect(() => parseMeta({})).toThrow(HyperliquidParseError);
  });
});

describe('parseMetaAndAssetCtxs', () => {
  it('joins contexts to coins by index', () => {
    const result = parseMetaAndAssetCtxs([
      { universe: [{ name: 'BTC', szDecimals: 5, maxLeverage: 40 }, { name: 'X' }, { name: 'ETH', szDecimals: 4, maxLeverage: 25 }] },
      [
        { markPx: '100000.0', midPx: '100001.0', oraclePx: '99990.0', funding: '0.0000125', openInterest: '10', dayNtlVlm: '1', prevDayPx: '99000' },
        { markPx: '1' },
        { markPx: 'bad' },
      ],
    ]);
    expect(result.universe.map((m) => m.name)).toEqual(['BTC', 'ETH']);
    expect(result.ctxs).toEqual([
      { coin: 'BTC', markPx: '100000.0', midPx: '100001.0', oraclePx: '99990.0', funding: '0.0000125', openInterest: '10', dayNtlVlm: '1', prevDayPx: '99000' },
    ]);
    expect(result.invalid).toBe(2);
  });

  it('throws on a wrong shape', () => {
    expect(() => parseMetaAndAssetCtxs([{ universe: [] }])).toThrow(HyperliquidParseError);
  });
});

describe('parseAllMids', () => {
  it('parses the REST fixture', () => {
    const { mids, invalid } = parseAllMids(fixture('info/allMids.json'));
    expect(invalid).toBe(0);
    expect(Object.keys(mids)).toHaveLength(28);
    expect(mids.BTC).toBe('30135.0');
    expect(mids.kPEPE).toBe('0.001565');
  });

  it('parses the allMids channel payload, spot coins included', () => {
    const frame = parseWsFrame(fixtureText('ws/allMids.sample.json'));
    expect(frame).toMatchObject({ kind: 'other', channel: 'allMids' });
    if (frame.kind !== 'other') return;
    expect(parseAllMids(frame.data)).toEqual({
      mids: { '@142': '80907.5', BTC: '80868.5', ETH: '2296.45', SOL: '94.8775', 'PURR/USDC': '0.067131' },
      invalid: 0,
    });
  });

  it('skips bad prices, normalises numbers', () => {
    expect(parseAllMids({ A: 'x', B: 1.5, C: '1e-7' })).toEqual({ mids: { B: '1.5', C: '0.0000001' }, invalid: 1 });
  });
});
