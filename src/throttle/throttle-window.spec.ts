import { ThrottleWindow } from './throttle-window';

describe('ThrottleWindow', () => {
  const T = 1_000_000;

  it('counts locally on top of the last Redis total and blocks past the limit', () => {
    const w = new ThrottleWindow(60_000, 100, 60_000, T);
    expect(w.decidable(T, 1000)).toBe(false); // never synced: ask Redis
    w.hit(T);
    expect(w.take()).toBe(1);
    w.hit(T + 1); // counted while the batch is out
    w.synced([40, 59_000, 0, 0], T + 2); // Redis: 40 over every replica (incl. the batch)
    expect(w.decidable(T + 2, 1000)).toBe(true);
    expect(w.record(T + 2)).toMatchObject({ totalHits: 41, isBlocked: false, timeToExpire: 59 });
    expect(w.unsent).toBe(1);
    expect(w.decidable(T + 2, 1000)).toBe(true);
    for (let i = 0; i < 60; i++) w.hit(T + 3);
    expect(w.record(T + 3).totalHits).toBe(101);
    expect(w.record(T + 3)).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
  });

  it('waits for Redis near the limit, when stale, and takes a failed batch back', () => {
    const w = new ThrottleWindow(60_000, 100, 60_000, T);
    w.hit(T);
    w.take();
    w.synced([45, 60_000, 0, 0], T);
    expect(w.decidable(T, 1000)).toBe(true);
    w.synced([50, 60_000, 0, 0], T);
    expect(w.decidable(T, 1000)).toBe(false); // half used
    w.synced([10, 60_000, 0, 0], T);
    expect(w.decidable(T + 1001, 1000)).toBe(false);
    w.hit(T);
    w.take();
    w.failed();
    expect(w.unsent).toBe(1);
  });

  it('places each hit of a batch in Redis\'s count: only those past the limit are blocked', () => {
    const w = new ThrottleWindow(60_000, 10, 60_000, T);
    for (let i = 0; i < 12; i++) w.hit(T);
    const seqs = [1, 10, 11, 12];
    w.take();
    w.synced([12, 60_000, 1, 60_000], T);
    expect(seqs.map((s) => w.verdictFor(s, T).isBlocked)).toEqual([false, false, true, true]);
    w.synced([3, 60_000, 1, 30_000], T); // a block from before this window's count: everyone waits it out
    expect(w.verdictFor(12, T).isBlocked).toBe(true);
  });

  it('adopts a block Redis reports, and starts a new window after a block or a window ends', () => {
    const w = new ThrottleWindow(60_000, 5, 60_000, T);
    w.hit(T);
    w.take();
    w.synced([7, 50_000, 1, 30_000], T);
    expect(w.record(T)).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    expect(w.decidable(T, 1000)).toBe(true);
    expect(w.hit(T + 30_000)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(w.hit(T + 200_000)).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });
});
