import {
  ALL_ROOM,
  applyChange,
  EMPTY_FILTER,
  handleSubscriptionMessage,
  MAX_FILTER_SIZE,
  MAX_ITEMS_PER_MESSAGE,
  parseSubscription,
  roomsForEvent,
  roomsOf,
  SubscriptionIndex,
} from './subscription';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const C = '0x' + 'c'.repeat(40);

describe('parseSubscription', () => {
  it('lower-cases and dedupes addresses, keeps coin spelling', () => {
    const r = parseSubscription({ traders: [A.toUpperCase().replace('0X', '0x'), A], coins: ['BTC', 'kPEPE', 'BTC'] }, true);
    expect(r).toEqual({ ok: true, value: { traders: [A], coins: ['BTC', 'kPEPE'] } });
  });

  it('accepts a single string for a list', () => {
    expect(parseSubscription({ coins: 'ETH' }, true)).toEqual({ ok: true, value: { traders: [], coins: ['ETH'] } });
  });

  it.each([
    ['no payload', undefined, 'payload must be an object'],
    ['an array', [A], 'payload must be an object'],
    ['a string', 'BTC', 'payload must be an object'],
    ['an empty subscribe', {}, 'at least one'],
    ['a bad address', { traders: ['0x123'] }, 'traders'],
    ['a non-string', { coins: [1] }, 'coins must be an array of strings'],
    ['a bad coin', { coins: ['BTC USD'] }, 'coins'],
    ['an unknown key', { trader: [A] }, 'unknown field trader'],
    ['too many', { coins: Array.from({ length: MAX_ITEMS_PER_MESSAGE + 1 }, (_, i) => `C${i}`) }, 'at most'],
  ])('rejects %s', (_name, body, message) => {
    const r = parseSubscription(body, true);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('lets unsubscribe have no lists (clear all)', () => {
    expect(parseSubscription(undefined, false)).toEqual({ ok: true, value: { traders: [], coins: [] } });
    expect(parseSubscription({}, false)).toEqual({ ok: true, value: { traders: [], coins: [] } });
  });
});

describe('applyChange / roomsOf', () => {
  it('starts in the all room, moves to trader and coin rooms, and back when emptied', () => {
    expect([...roomsOf(EMPTY_FILTER)]).toEqual([ALL_ROOM]);
    const sub = applyChange(EMPTY_FILTER, 'subscribe', { traders: [A], coins: ['BTC'] });
    if (!sub.ok) throw new Error(sub.error);
    expect([...roomsOf(sub.filter)].sort()).toEqual([`coin:BTC`, `trader:${A}`]);
    const more = applyChange(sub.filter, 'subscribe', { traders: [B], coins: [] });
    if (!more.ok) throw new Error(more.error);
    const less = applyChange(more.filter, 'unsubscribe', { traders: [A, B], coins: ['BTC'] });
    if (!less.ok) throw new Error(less.error);
    expect([...roomsOf(less.filter)]).toEqual([ALL_ROOM]);
  });

  it('clears everything on an unsubscribe without lists', () => {
    const sub = applyChange(EMPTY_FILTER, 'subscribe', { traders: [A], coins: [] });
    if (!sub.ok) throw new Error(sub.error);
    const cleared = applyChange(sub.filter, 'unsubscribe', { traders: [], coins: [] });
    expect(cleared.ok && [...roomsOf(cleared.filter)]).toEqual([ALL_ROOM]);
  });

  it('bounds the filter size', () => {
    let filter = EMPTY_FILTER;
    for (let i = 0; i * 200 < MAX_FILTER_SIZE; i++) {
      const r = applyChange(filter, 'subscribe', { traders: [], coins: Array.from({ length: 200 }, (_, j) => `C${i}-${j}`) });
      if (!r.ok) throw new Error(r.error);
      filter = r.filter;
    }
    expect(applyChange(filter, 'subscribe', { traders: [], coins: ['ONE_MORE'] }).ok).toBe(false);
  });

  it('replies with what changed and counts, never the whole filter', () => {
    let filter = EMPTY_FILTER;
    for (let i = 0; i < 5; i++) {
      const coins = Array.from({ length: 200 }, (_, j) => `C${i}-${j}`);
      const r = applyChange(filter, 'subscribe', { traders: [], coins });
      if (!r.ok) throw new Error(r.error);
      filter = r.filter;
    }
    const again = applyChange(filter, 'subscribe', { traders: [], coins: ['C0-0'] });
    expect(again).toMatchObject({ ok: true, join: [], leave: [] });
    expect(again.ok && again.reply).toEqual({ op: 'subscribe', changed: { traders: [], coins: [] }, following: { traders: 0, coins: 1000 }, all: false });
    expect(again.ok && again.filter).toBe(filter); // nothing copied

    const less = applyChange(filter, 'unsubscribe', { traders: [A], coins: ['C0-0', 'NOT_FOLLOWED'] });
    expect(less.ok && less.reply).toEqual({ op: 'unsubscribe', changed: { traders: [], coins: ['C0-0'] }, following: { traders: 0, coins: 999 }, all: false });
    expect(less.ok && less.leave).toEqual(['coin:C0-0']);

    const cleared = applyChange(filter, 'unsubscribe', { traders: [], coins: [] });
    expect(cleared.ok && cleared.reply).toEqual({ op: 'unsubscribe', changed: { traders: [], coins: [] }, following: { traders: 0, coins: 0 }, all: true });
    expect(cleared.ok && cleared.join).toEqual([ALL_ROOM]);
    expect(cleared.ok && cleared.leave.length).toBe(1000);
  });

  it('joins and leaves exactly the rooms that change, and `all` at the edges', () => {
    const first = applyChange(EMPTY_FILTER, 'subscribe', { traders: [A], coins: ['BTC'] });
    expect(first).toMatchObject({ ok: true, join: [`trader:${A}`, 'coin:BTC'], leave: [ALL_ROOM] });
    if (!first.ok) throw new Error(first.error);
    const second = applyChange(first.filter, 'subscribe', { traders: [A, B], coins: [] });
    expect(second).toMatchObject({ ok: true, join: [`trader:${B}`], leave: [] });
    if (!second.ok) throw new Error(second.error);
    const last = applyChange(second.filter, 'unsubscribe', { traders: [A, B], coins: ['BTC'] });
    expect(last).toMatchObject({ ok: true, join: [ALL_ROOM], leave: [`trader:${A}`, `trader:${B}`, 'coin:BTC'] });
    expect(applyChange(EMPTY_FILTER, 'unsubscribe', { traders: [], coins: [] })).toMatchObject({ ok: true, join: [], leave: [] });
  });

  it('parses and applies a message in one step', () => {
    expect(handleSubscriptionMessage(EMPTY_FILTER, 'subscribe', { coins: 'ETH' })).toMatchObject({ ok: true, reply: { changed: { coins: ['ETH'] } } });
    expect(handleSubscriptionMessage(EMPTY_FILTER, 'subscribe', {})).toMatchObject({ ok: false });
    expect(handleSubscriptionMessage(EMPTY_FILTER, 'unsubscribe', undefined)).toMatchObject({ ok: true, reply: { all: true } });
  });

  it('routes an event to all, its trader and its coin', () => {
    expect(roomsForEvent(A.toUpperCase().replace('0X', '0x'), 'ETH')).toEqual([ALL_ROOM, `trader:${A}`, 'coin:ETH']);
  });
});

describe('SubscriptionIndex', () => {
  it('gives unfiltered clients everything and filtered ones only their union, each once', () => {
    const index = new SubscriptionIndex<string>();
    for (const c of ['everything', 'followsA', 'followsBtc', 'both']) index.add(c);
    index.apply('followsA', 'subscribe', { traders: [A] });
    index.apply('followsBtc', 'subscribe', { coins: ['BTC'] });
    index.apply('both', 'subscribe', { traders: [A], coins: ['BTC'] });

    expect([...index.recipients(A, 'BTC')].sort()).toEqual(['both', 'everything', 'followsA', 'followsBtc']);
    expect([...index.recipients(A, 'ETH')].sort()).toEqual(['both', 'everything', 'followsA']);
    expect([...index.recipients(B, 'BTC')].sort()).toEqual(['both', 'everything', 'followsBtc']);
    expect([...index.recipients(C, 'SOL')]).toEqual(['everything']);
    const seen: string[] = [];
    index.forEachRecipient(A, 'BTC', (c) => seen.push(c));
    expect(seen.sort()).toEqual(['both', 'everything', 'followsA', 'followsBtc']);
  });

  it('forgets removed clients and empty rooms', () => {
    const index = new SubscriptionIndex<string>();
    index.add('x');
    index.apply('x', 'subscribe', { traders: [A] });
    index.remove('x');
    expect(index.size).toBe(0);
    expect(index.recipients(A, 'BTC').size).toBe(0);
    expect(index.apply('x', 'subscribe', { traders: [A], coins: [] }).ok).toBe(false);
  });

  it('returns a client to everything when its filter empties', () => {
    const index = new SubscriptionIndex<string>();
    index.add('x');
    index.apply('x', 'subscribe', { traders: [A] });
    expect(index.recipients(B, 'ETH').size).toBe(0);
    index.apply('x', 'unsubscribe', { traders: [A] });
    expect([...index.recipients(B, 'ETH')]).toEqual(['x']);
  });
});
