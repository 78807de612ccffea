import { diffPositions, PositionChange, PositionLike } from './position-diff';
import { applyTrade, PositionState } from './position-math';

const p = (coin: string, szi: string, entryPx: string | null = null): PositionLike => ({ coin, szi, entryPx });

describe('diffPositions', () => {
  it('reports nothing for identical or decimal-equal positions', () => {
    expect(diffPositions([p('BTC', '0.1', '98450.0')], [p('BTC', '0.1', '98450.0')])).toEqual([]);
    expect(diffPositions([p('BTC', '0.1')], [p('BTC', '0.10')])).toEqual([]);
    expect(diffPositions([], [])).toEqual([]);
  });

  it('ignores an entry price change at the same size', () => {
    expect(diffPositions([p('ETH', '2', '3000')], [p('ETH', '2.0', '3100')])).toEqual([]);
  });

  it('does not see a spurious change from float-trap sums', () => {
    // 0.1 + 0.2 = 0.30000000000000004 in floats; the stream's running size must equal the snapshot's.
    let pos: PositionState | null = null;
    pos = applyTrade(pos, 'B', '0.1', '10');
    pos = applyTrade(pos, 'B', '0.2', '10');
    expect(diffPositions([{ coin: 'SOL', ...pos }], [p('SOL', '0.3')])).toEqual([]);
  });

  it('reports an open with the new side and entry', () => {
    expect(diffPositions([], [p('BTC', '0.1', '98450.0')], { markPrices: { BTC: '98500.5' } })).toEqual<PositionChange[]>([
      {
        coin: 'BTC',
        event_type: 'position_opened',
        previous_size: '0',
        current_size: '0.1',
        size_change: '0.1',
        side: 'long',
        entry_price: '98450',
        mark_price: '98500.5',
      },
    ]);
  });

  it('reports a close with the side and entry that were closed', () => {
    expect(diffPositions([p('ETH', '-2.5', '3500.0')], [])).toEqual([
      {
        coin: 'ETH',
        event_type: 'position_closed',
        previous_size: '-2.5',
        current_size: '0',
        size_change: '2.5',
        side: 'short',
        entry_price: '3500',
      },
    ]);
  });

  it('treats a zero size as no position', () => {
    expect(diffPositions([p('ETH', '1')], [p('ETH', '0.0')])[0]).toMatchObject({ event_type: 'position_closed', current_size: '0' });
    expect(diffPositions([p('ETH', '-0')], [p('ETH', '1')])[0]).toMatchObject({ event_type: 'position_opened', previous_size: '0' });
    expect(diffPositions([p('ETH', '0')], [])).toEqual([]);
  });

  it('reports increases and decreases on both sides', () => {
    const changes = diffPositions(
      [p('A', '1'), p('B', '1'), p('C', '-1'), p('D', '-1')],
      [p('A', '1.5', '10'), p('B', '0.25', '11'), p('C', '-1.5', '12'), p('D', '-0.5', '13')],
    );
    expect(changes.map((c) => [c.coin, c.event_type, c.side, c.size_change, c.entry_price])).toEqual([
      ['A', 'position_increased', 'long', '0.5', '10'],
      ['B', 'position_decreased', 'long', '-0.75', '11'],
      ['C', 'position_increased', 'short', '-0.5', '12'],
      ['D', 'position_decreased', 'short', '0.5', '13'],
    ]);
  });

  it('reports a sign change as a flip with the new side', () => {
    expect(diffPositions([p('SOL', '10', '150')], [p('SOL', '-4', '140')])).toEqual([
      {
        coin: 'SOL',
        event_type: 'position_flipped',
        previous_size: '10',
        current_size: '-4',
        size_change: '-14',
        side: 'short',
        entry_price: '140',
      },
    ]);
    expect(diffPositions([p('SOL', '-1')], [p('SOL', '1')])[0]).toMatchObject({ event_type: 'position_flipped', side: 'long' });
  });

  it('orders changes by coin whatever the input order, mark prices only where known', () => {
    const changes = diffPositions(
      [p('kPEPE', '100'), p('ETH', '1'), p('BTC', '1')],
      [p('SOL', '1'), p('BTC', '2'), p('xyz:TSLA', '-3')],
      { markPrices: { BTC: '1', SOL: '2' } },
    );
    expect(changes.map((c) => [c.coin, c.event_type, c.mark_price])).toEqual([
      ['BTC', 'position_increased', '1'],
      ['ETH', 'position_closed', undefined],
      ['SOL', 'position_opened', '2'],
      ['kPEPE', 'position_closed', undefined],
      ['xyz:TSLA', 'position_opened', undefined],
    ]);
    expect(changes[1]).not.toHaveProperty('mark_price');
  });

  it('does not read mark prices from the object prototype', () => {
    const [change] = diffPositions([], [p('constructor', '1')], { markPrices: {} });
    expect(change).not.toHaveProperty('mark_price');
  });

  it('produces the five-event sequence from successive snapshots', () => {
    const snapshots: PositionLike[][] = [
      [],
      [p('BTC', '1', '100')],
      [p('BTC', '2', '105')],
      [p('BTC', '1.5', '105')],
      [p('BTC', '-0.5', '90')],
      [],
    ];
    const events = snapshots.slice(1).flatMap((snap, i) => diffPositions(snapshots[i], snap));
    expect(events.map((e) => [e.event_type, e.previous_size, e.current_size, e.size_change, e.side])).toEqual([
      ['position_opened', '0', '1', '1', 'long'],
      ['position_increased', '1', '2', '1', 'long'],
      ['position_decreased', '2', '1.5', '-0.5', 'long'],
      ['position_flipped', '1.5', '-0.5', '-2', 'short'],
      ['position_closed', '-0.5', '0', '0.5', 'short'],
    ]);
  });

  it('keeps sizes exact and free of exponents', () => {
    const [c] = diffPositions([p('X', '0.00000001')], [p('X', '0.00000003')]);
    expect(c).toMatchObject({ previous_size: '0.00000001', current_size: '0.00000003', size_change: '0.00000002' });
  });

  it('throws on a size that is not a decimal', () => {
    expect(() => diffPositions([p('X', 'abc')], [])).toThrow(RangeError);
  });
});
