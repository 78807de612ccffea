import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { emptyChanges, LiveBook } from './live-book';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
let tid = 1;
function trade(buyer: string, seller: string, sz: string, px: string, time: number, coin = 'BTC'): WsTrade {
  return { coin, side: 'B', px, sz, hash: '0x', time, tid: tid++, buyer, seller };
}

describe('LiveBook', () => {
  const NOW = 1_000_000;

  it('keeps the trades of traders without a baseline, replays them at the first snapshot, then follows them', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applyTrade(trade(A, B, '1', '100', NOW - 50), out);
    expect(out.events).toHaveLength(0);
    // Snapshot at NOW-40 already contains that trade: unwound, it was flat before it.
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 40, positions: [{ coin: 'BTC', szi: '1', entryPx: '100' }], partial: false }, out, NOW);
    expect(out.events.map((e) => [e.source, e.change.event_type, e.change.previous_size, e.change.current_size])).toEqual([
      ['stream', 'position_opened', '0', '1'],
    ]);
    out.events.length = 0;
    out.fills.length = 0;
    book.applyTrade(trade(A, B, '1', '110', NOW - 30), out);
    book.applyTrade(trade(B, A, '0.5', '120', NOW - 20), out);
    book.applyTrade(trade(B, A, '3', '130', NOW - 10), out);
    book.applyTrade(trade(A, B, '1.5', '125', NOW - 5), out);
    expect(out.events.map((e) => e.change.event_type)).toEqual([
      'position_increased',
      'position_decreased',
      'position_flipped',
      'position_closed',
    ]);
    expect(out.events.every((e) => e.source === 'stream' && e.address === A)).toBe(true);
    // Average cost: entry 105 after the increase; selling 0.5 at 120 realizes 7.5; the flip closes 1.5 at 130 (+37.5).
    const pnl = out.fills.map((f) => f.closedPnl);
    expect(pnl).toEqual(['0', '7.5', '37.5', '7.5']);
    expect(book.positionsOf(A)).toEqual([]);
  });

  it('a snapshot that agrees with the stream emits nothing, even with newer trades applied', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [], partial: false }, out, NOW);
    book.applyTrade(trade(A, B, '2', '100', NOW - 90), out);
    book.applyTrade(trade(A, B, '1', '100', NOW - 10), out); // after the next snapshot's time
    const before = out.events.length;
    const r = book.applySnapshot(
      { traderId: '1', address: A, time: NOW - 50, positions: [{ coin: 'BTC', szi: '2.0', entryPx: '100' }], partial: false },
      out,
      NOW,
    );
    expect(r.corrected).toBe(false);
    expect(out.events.length).toBe(before);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '3', entryPx: '100' }]);
  });

  it('a snapshot that disagrees (a backstop liquidation) corrects with snapshot events and resets', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [{ coin: 'ETH', szi: '-4', entryPx: '10' }], partial: false }, out, NOW);
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [], partial: false }, out, NOW);
    expect(r.corrected).toBe(true);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ source: 'snapshot', change: { event_type: 'position_closed', coin: 'ETH', previous_size: '-4' } });
    expect(book.positionsOf(A)).toEqual([]);
    // The same snapshot again changes nothing.
    expect(book.applySnapshot({ traderId: '1', address: A, time: NOW - 40, positions: [], partial: false }, out, NOW).events).toHaveLength(0);
  });

  it('a correction placed before trades already applied keeps the event chain continuous', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [{ coin: 'BTC', szi: '1', entryPx: '100' }], partial: false }, out, NOW);
    book.applyTrade(trade(A, B, '1', '100', NOW - 10), out); // 1 → 2, emitted
    // The exchange says 0.5 at NOW-50 (half was liquidated before that trade): live is 1.5 now.
    const r = book.applySnapshot(
      { traderId: '1', address: A, time: NOW - 50, positions: [{ coin: 'BTC', szi: '0.5', entryPx: '100' }], partial: false },
      out,
      NOW,
    );
    expect(r.events).toHaveLength(1);
    expect(r.events[0].change).toMatchObject({ event_type: 'position_decreased', previous_size: '2', current_size: '1.5', size_change: '-0.5' });
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '1.5', entryPx: '100' }]);
    const chain = out.events.map((e) => [e.change.previous_size, e.change.current_size]);
    expect(chain).toEqual([
      ['1', '2'],
      ['2', '1.5'],
    ]);
  });

  it('a trade arriving after a snapshot that already contains it is not applied twice', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [], partial: false }, out, NOW);
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 20, positions: [{ coin: 'BTC', szi: '1', entryPx: '100' }], partial: false }, out, NOW);
    const events = out.events.length;
    book.applyTrade(trade(A, B, '1', '100', NOW - 30), out); // late delivery, older than the snapshot
    expect(out.events.length).toBe(events);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '1', entryPx: '100' }]);
  });

  it('a baseline replays trades newer than the snapshot that arrived before it', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applyTrade(trade(A, B, '1', '100', NOW - 10), out);
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 20, positions: [], partial: false }, out, NOW);
    expect(r.baseline).toBe(true);
    expect(r.events.map((e) => e.change.event_type)).toEqual(['position_opened']);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '1', entryPx: '100' }]);
  });

  it('a partial snapshot never closes what it could not read; stale snapshots are ignored', () => {
    const book = new LiveBook(1000);
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [{ coin: 'ETH', szi: '1', entryPx: '1' }], partial: false }, out, NOW);
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [], partial: true }, out, NOW);
    expect(r.events).toHaveLength(0);
    expect(book.positionsOf(A)).toHaveLength(1);
    expect(book.applySnapshot({ traderId: '1', address: A, time: NOW - 5000, positions: [], partial: false }, out, NOW).stale).toBe(true);
  });

  it('prunes recent trades past the horizon', () => {
    const book = new LiveBook(100, { perTrader: 200, global: 1000, maxAgeMs: 100 });
    const out = emptyChanges();
    book.applyTrade(trade(A, B, '1', '100', NOW - 500), out);
    book.prune(NOW);
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [], partial: false }, out, NOW);
    expect(r.events).toHaveLength(0);
  });

  it('a snapshot older than the baseline (out of order, or read again after a restart) changes nothing', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [], partial: false }, out, NOW);
    // Trades after the first snapshot, then a newer snapshot that contains them.
    book.applyTrade(trade(A, B, '1', '100', NOW - 90), out);
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [{ coin: 'BTC', szi: '1', entryPx: '100' }], partial: false }, out, NOW);
    // A trade between the two snapshots' times arrives late: already in the newer baseline.
    book.applyTrade(trade(A, B, '2', '100', NOW - 60), out);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '1', entryPx: '100' }]);
    const events = out.events.length;
    // The older snapshot (position 0) arrives last: resetting to it would lose both trades.
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 95, positions: [], partial: false }, out, NOW);
    expect(r.superseded).toBe(true);
    expect(out.events).toHaveLength(events);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '1', entryPx: '100' }]);
    const again = book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [], partial: false }, out, NOW);
    expect(again.superseded).toBe(true);
  });

  it('after a restart, remembered trades place a first snapshot in time like before it', () => {
    // Before the restart: B is baselined, A is not; both trade; the engine commits and restarts.
    const t1 = trade(A, B, '1', '100', NOW - 30);
    const t2 = trade(B, A, '0.25', '110', NOW - 10);
    const book = new LiveBook();
    book.load({ traderId: '2', address: B, baselineAt: NOW - 100, positions: new Map([['BTC', { szi: '-0.75', entryPx: '100' }]]) });
    book.rememberTrade(t1);
    book.rememberTrade(t2);
    const out = emptyChanges();
    // A's first snapshot predates both trades: both are replayed onto it.
    const r = book.applySnapshot({ traderId: '1', address: A, time: NOW - 40, positions: [], partial: false }, out, NOW);
    expect(r.baseline).toBe(true);
    expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '0.75', entryPx: '100' }]);
    // B's next snapshot agrees with the stream (its loaded positions already include both trades).
    const rb = book.applySnapshot({ traderId: '2', address: B, time: NOW - 20, positions: [{ coin: 'BTC', szi: '-1', entryPx: '100' }], partial: false }, out, NOW);
    expect(rb.corrected).toBe(false);
    expect(book.positionsOf(B)).toEqual([{ coin: 'BTC', szi: '-0.75', entryPx: '100' }]);
  });

  it('marks a trader ambiguous when a trade shares its snapshot’s millisecond, whichever arrives first', () => {
    const book = new LiveBook();
    const out = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 100, positions: [], partial: false }, out, NOW);
    book.applyTrade(trade(A, B, '1', '100', NOW - 50), out); // the trade first…
    expect(out.ambiguous.size).toBe(0);
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 50, positions: [], partial: false }, out, NOW); // …then its snapshot
    expect([...out.ambiguous]).toEqual([A]);
    const later = emptyChanges();
    book.applySnapshot({ traderId: '1', address: A, time: NOW - 40, positions: [], partial: false }, later, NOW); // the snapshot first…
    book.applyTrade(trade(A, B, '1', '100', NOW - 40), later); // …then the trade
    expect([...later.ambiguous]).toEqual([A]);
  });

  describe('first sight', () => {
    const snap = (positions: Array<{ coin: string; szi: string; entryPx: string | null }>, time: number, extra = {}) => ({
      traderId: '1',
      address: A,
      time,
      positions,
      partial: false,
      ...extra,
    });
    const chain = (out: ReturnType<typeof emptyChanges>) =>
      out.events.map((e) => [e.source, e.change.event_type, e.change.previous_size, e.change.current_size]);

    it('a never-seen trader: open, increase, flip before its first snapshot become stream events in order', () => {
      const book = new LiveBook();
      const out = emptyChanges();
      book.applyTrade(trade(A, B, '1', '100', NOW - 50), out);
      book.applyTrade(trade(A, B, '1', '110', NOW - 45), out);
      book.applyTrade(trade(B, A, '3', '120', NOW - 40), out);
      book.applyTrade(trade(B, A, '0.5', '120', NOW - 10), out); // after the snapshot
      const r = book.applySnapshot(snap([{ coin: 'BTC', szi: '-1', entryPx: '120' }], NOW - 30), out, NOW);
      expect(r.firstSight).toEqual({ replayed: 3, unplaced: null });
      expect(chain(out)).toEqual([
        ['stream', 'position_opened', '0', '1'],
        ['stream', 'position_increased', '1', '2'],
        ['stream', 'position_flipped', '2', '-1'],
        ['stream', 'position_increased', '-1', '-1.5'],
      ]);
      expect(out.events.map((e) => e.dedupeKey)).toEqual(out.events.map((e) => `stream:1:BTC:${e.dedupeKey.split(':')[3]}`));
      expect(book.positionsOf(A)).toEqual([{ coin: 'BTC', szi: '-1.5', entryPx: '120' }]);
      expect(book.keptTrades).toBe(4); // B's, still without a baseline
    });

    it('a trader first seen by its close: position_closed with the size it had', () => {
      const book = new LiveBook();
      const out = emptyChanges();
      book.applyTrade(trade(B, A, '2.5', '100', NOW - 50), out); // A sells 2.5: it was long 2.5
      book.applySnapshot(snap([{ coin: 'ETH', szi: '4', entryPx: '10' }], NOW - 40), out, NOW);
      expect(chain(out)).toEqual([['stream', 'position_closed', '2.5', '0']]);
      expect(out.events[0].change.side).toBe('long');
      expect(book.positionsOf(A)).toEqual([{ coin: 'ETH', szi: '4', entryPx: '10' }]);
    });

    it('unwinds an increase to the entry before it', () => {
      const book = new LiveBook();
      const out = emptyChanges();
      book.applyTrade(trade(A, B, '1', '130', NOW - 50), out); // 2 @ 100 → 3 @ 110
      book.applySnapshot(snap([{ coin: 'BTC', szi: '3', entryPx: '110' }], NOW - 40), out, NOW);
      expect(out.events).toHaveLength(1);
      expect(out.events[0].change).toMatchObject({ event_type: 'position_increased', previous_size: '2', current_size: '3', entry_price: '110' });
      expect(out.fills[0]).toMatchObject({ startPosition: '2', closedPnl: '0' });
    });

    it('a snapshot older than a dropped trade cannot be placed: one snapshot event per position', () => {
      const book = new LiveBook(300_000, { perTrader: 2, global: 100, maxAgeMs: 600_000 });
      const out = emptyChanges();
      book.applyTrade(trade(A, B, '1', '100', NOW - 50), out);
      book.applyTrade(trade(A, B, '1', '100', NOW - 40), out);
      book.applyTrade(trade(A, B, '1', '100', NOW - 30), out); // drops A's first (and B's)
      expect(book.takeDropped()).toEqual({ per_trader: 2, global: 0, age: 0 });
      const r = book.applySnapshot(snap([{ coin: 'BTC', szi: '0.5', entryPx: '90' }], NOW - 60), out, NOW);
      expect(r.firstSight).toEqual({ replayed: 0, unplaced: 'trades_dropped' });
      // From nothing known to the snapshot, then the kept trades after it as usual.
      expect(chain(out)).toEqual([
        ['snapshot', 'position_opened', '0', '0.5'],
        ['stream', 'position_increased', '0.5', '1.5'],
        ['stream', 'position_increased', '1.5', '2.5'],
      ]);
    });

    it('a snapshot newer than the dropped trades is placed among the kept ones', () => {
      const book = new LiveBook(300_000, { perTrader: 2, global: 100, maxAgeMs: 600_000 });
      const out = emptyChanges();
      for (const t of [50, 40, 30]) book.applyTrade(trade(A, B, '1', '100', NOW - t), out);
      const r = book.applySnapshot(snap([{ coin: 'BTC', szi: '3', entryPx: '100' }], NOW - 20), out, NOW);
      expect(r.firstSight).toEqual({ replayed: 2, unplaced: null });
      expect(chain(out)).toEqual([
        ['stream', 'position_increased', '1', '2'],
        ['stream', 'position_increased', '2', '3'],
      ]);
    });

    it('a snapshot without the exchange time cannot be placed; a quiet trader baselines silently', () => {
      const book = new LiveBook();
      const out = emptyChanges();
      book.applyTrade(trade(A, B, '1', '100', NOW - 50), out);
      const r = book.applySnapshot(snap([{ coin: 'BTC', szi: '1', entryPx: '100' }], NOW - 40, { timeKnown: false }), out, NOW);
      expect(r.firstSight?.unplaced).toBe('time_unknown');
      expect(chain(out)).toEqual([['snapshot', 'position_opened', '0', '1']]);
      const quiet = emptyChanges();
      const q = book.applySnapshot({ traderId: '3', address: B.replace('b', 'c'), time: NOW - 40, positions: [{ coin: 'BTC', szi: '7', entryPx: '1' }], partial: false, timeKnown: false }, quiet, NOW);
      expect(q.firstSight).toEqual({ replayed: 0, unplaced: null });
      expect(quiet.events).toHaveLength(0);
    });

    it('a global cap drops the oldest trader’s buffer; age drops are counted', () => {
      const C = '0x' + 'c'.repeat(40);
      const book = new LiveBook(300_000, { perTrader: 10, global: 3, maxAgeMs: 1000 });
      const out = emptyChanges();
      book.applyTrade(trade(A, C, '1', '100', NOW - 50), out); // A and C: 2 kept
      book.applyTrade(trade(B, C, '1', '100', NOW - 40), out); // 4 > 3: A's buffer goes
      expect(book.takeDropped()).toEqual({ per_trader: 0, global: 1, age: 0 });
      expect(book.keptTrades).toBe(3);
      const r = book.applySnapshot(snap([{ coin: 'BTC', szi: '1', entryPx: '100' }], NOW - 60), out, NOW);
      expect(r.firstSight?.unplaced).toBe('trades_dropped');
      book.prune(NOW + 2000);
      expect(book.takeDropped()).toEqual({ per_trader: 0, global: 0, age: 3 });
      expect(book.keptTrades).toBe(0);
    });
  });
});
