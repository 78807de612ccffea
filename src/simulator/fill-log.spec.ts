import { FillLog } from './fill-log';

const push = (log: FillLog, i: number, liquidated = false) =>
  log.push(i % 3, i % 2 ? 'A' : 'B', i % 2 ? 'Close Long' : 'Open Long', i % 2 === 0, 1000 + i, 10 + i, 5000 + i, -i,
    -123_456_789_012 + i, 42, 1e14 + i, 5e10 + i, i,
    liquidated ? { liquidatedUser: '0x' + 'a'.repeat(40), markPxInt: 99, method: 'backstop' } : undefined);

describe('FillLog', () => {
  it('stores and reads back every field, oldest first', () => {
    const log = new FillLog(100);
    for (let i = 0; i < 40; i++) push(log, i, i === 7);
    expect(log.length).toBe(40);
    expect(log.get(7)).toEqual({
      coin: 1, side: 'A', dir: 'Close Long', crossed: false, pxInt: 1007, szUnits: 17, time: 5007, startSzi: -7,
      closedPnlMicro: -123_456_789_005, feeMicro: 42, tid: 1e14 + 7, oid: 5e10 + 7, hashId: 7,
      liquidation: { liquidatedUser: '0x' + 'a'.repeat(40), markPxInt: 99, method: 'backstop' },
    });
    expect(log.get(8).liquidation).toBeUndefined();
    expect(log.time(39)).toBe(5039);
    expect(log.last()?.tid).toBe(1e14 + 39);
  });

  it('keeps only the newest `max` fills', () => {
    const log = new FillLog(50);
    for (let i = 0; i < 175; i++) push(log, i, i === 130 || i === 10);
    expect(log.length).toBe(50);
    expect(log.get(0).tid).toBe(1e14 + 125);
    expect(log.toArray().map((f) => f.hashId)).toEqual(Array.from({ length: 50 }, (_, k) => 125 + k));
    expect(log.get(5).liquidation?.method).toBe('backstop');
  });
});
