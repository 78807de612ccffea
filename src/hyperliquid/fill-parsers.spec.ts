import { readFileSync } from 'fs';
import { join } from 'path';
import { fillKey, parseFill, parseFills } from './fill-parsers';
import { HyperliquidParseError } from './parse-primitives';
import { parseWsFrame } from './ws-frame-parser';

const fixtureText = (path: string): string => readFileSync(join(__dirname, '../../test/fixtures', path), 'utf8');
const fixture = (path: string): unknown => JSON.parse(fixtureText(path));

/** The fills of `raw`, every one of them parsed (none skipped as invalid). */
function parsedFills(raw: unknown): ReturnType<typeof parseFills>['items'] {
  const { items, invalid } = parseFills(raw);
  expect(invalid).toBe(0);
  return items;
}

describe('parseFills', () => {
  it('parses all 500 fills of the 2023 recording (no tid, no feeToken)', () => {
    const items = parsedFills(fixture('info/userFills.json'));
    expect(items).toHaveLength(500);
    expect(items[0]).toEqual({
      coin: 'SUI',
      px: '1.3189',
      sz: '142.7',
      side: 'A',
      time: 1683245884863,
      startPosition: '4623.5',
      dir: 'Close Long',
      closedPnl: '-0.25686',
      hash: '0x3d4770d0527317ef77c404017559cb0103000b34010cc95e97b437cbc3b6087a',
      oid: 189324432,
      crossed: true,
      fee: '0.0',
      tid: null,
      feeToken: null,
      twapId: null,
    });
    const dirs = new Set(items.map((f) => f.dir));
    expect([...dirs].sort()).toEqual(
      ['Close Long', 'Close Short', 'Long > Short', 'Open Long', 'Open Short', 'Short > Long'],
    );
    expect(items.filter((f) => f.dir === 'Short > Long')).toHaveLength(13);
  });

  it('gives 2023 fills distinct keys (they have no tid)', () => {
    const { items } = parseFills(fixture('info/userFills.json'));
    expect(new Set(items.map(fillKey)).size).toBe(items.length);
  });

  it('parses the current shape (tid, feeToken, twapId, a spot fill)', () => {
    const items = parsedFills(fixture('info/userFills.current.json'));
    expect(items.map((f) => [f.coin, f.dir, f.tid, f.feeToken])).toEqual([
      ['BTC', 'Open Long', 400001, 'USDC'],
      ['ETH', 'Close Long', 400002, 'USDC'],
      ['@107', 'Buy', 400003, 'USDC'],
    ]);
    expect(items[1]).toMatchObject({ px: '3485.50', sz: '1.25', closedPnl: '106.875', startPosition: '2.0', crossed: true });
    expect(fillKey(items[0])).toBe('BTC:t400001');
  });

  it('parses a user-channel fill carrying a liquidation', () => {
    const frame = parseWsFrame(fixtureText('ws/userEvents.fillWithLiquidation.json'));
    expect(frame.kind).toBe('other');
    if (frame.kind !== 'other') return;
    expect(frame.channel).toBe('user');
    const items = parsedFills(frame.data);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      coin: 'BTC',
      side: 'A',
      dir: 'Open Short',
      startPosition: '-0.0213',
      oid: 55030848197,
      tid: 745210434703679,
      cloid: '0xe8d5fd7ebbb4c3cff4d1803472a11463',
      liquidation: {
        liquidatedUser: '0x360878d351f05975e25f1807a27895e1e5e004fb',
        markPx: '66607.0',
        method: 'market',
      },
    });
  });

  it('skips and counts bad fills', () => {
    const good = (fixture('info/userFills.current.json') as Record<string, unknown>[])[0];
    const { items, invalid } = parseFills([
      good,
      { ...good, side: 'X' },
      { ...good, px: '' },
      { ...good, tid: 2 ** 60 },
      { ...good, crossed: 'yes' },
      { ...good, liquidation: { markPx: 'bad' } },
      'nope',
    ]);
    expect(items).toHaveLength(1);
    expect(invalid).toBe(6);
  });

  it('accepts optional builderFee and numeric strings for integers', () => {
    const good = (fixture('info/userFills.current.json') as Record<string, unknown>[])[0];
    const fill = parseFill({ ...good, builderFee: '0.01', oid: '3001', extraField: { a: 1 } });
    expect(fill.builderFee).toBe('0.01');
    expect(fill.oid).toBe(3001);
    expect(fill).not.toHaveProperty('extraField');
  });

  it('throws a typed error when the response is not a list', () => {
    expect(() => parseFills({ nope: true })).toThrow(HyperliquidParseError);
    expect(() => parseFills(null)).toThrow(HyperliquidParseError);
  });
});
