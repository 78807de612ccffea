import type { LeaderStateRepository } from '../data/leader-state.repository';
import { LeaderBook } from './leader-book';

function repo() {
  const reads: string[][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    reads,
    hold: () => (gate = new Promise<void>((r) => (release = r))),
    release: () => release(),
    repo: {
      views: async (addresses: string[]) => {
        reads.push(addresses);
        await gate;
        return new Map(addresses.map((a) => [a, { equityUsd: 1000, baselined: true, positions: { ETH: { size: reads.length, leverage: null } } }]));
      },
    } as unknown as LeaderStateRepository,
  };
}

describe('LeaderBook', () => {
  it('reads a leader once for a thousand followers asking at once', async () => {
    const r = repo();
    const book = new LeaderBook(r.repo);
    const views = await Promise.all(Array.from({ length: 1000 }, () => book.views(['0xa'])));
    expect(r.reads).toEqual([['0xa']]);
    expect(views.every((v) => v.get('0xa')?.positions.ETH.size === 1)).toBe(true);
  });

  it('serves an old view at once and re-reads it in the background, once', async () => {
    const r = repo();
    const book = new LeaderBook(r.repo);
    await book.views(['0xa']);
    void r.hold();
    const [a, b] = await Promise.all([book.views(['0xa'], true), book.views(['0xa'], true)]);
    expect(a.get('0xa')?.positions.ETH.size).toBe(1); // not waiting for the re-read
    expect(b.get('0xa')?.positions.ETH.size).toBe(1);
    expect(r.reads).toHaveLength(2);
    r.release();
    await new Promise((done) => setImmediate(done));
    expect((await book.views(['0xa'])).get('0xa')?.positions.ETH.size).toBe(2);
  });
});
