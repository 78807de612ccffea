import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.options';
import { TrackingQueueRepository } from '../../src/traders/data/tracking-queue.repository';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';

/**
 * The budget's shape, as the queue hands out work: baselines of new active traders (flagged by
 * their first trade) first, then the never-tracked, then gap repairs and suspects, then
 * round-robin by age; the fast path takes only the flagged. Real Postgres, the real repository.
 */
describe('tracking queue: claim order', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let queue: TrackingQueueRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    queue = new TrackingQueueRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('new traders’ baselines, never tracked, gap repairs, suspects, then the oldest', async () => {
    const names = ['roundRobinOld', 'suspect', 'gap', 'neverTracked', 'newTrader', 'roundRobinNew', 'fresh'];
    const address = Object.fromEntries(names.map((n) => [n, randomAddress()]));
    await withClient(db.url, (c) =>
      c.query(
        `INSERT INTO traders (address, first_seen_at, last_tracked_at, traded_flag_at, flag_priority, trades_seen) VALUES
           ($1, now(), now() - interval '3 hours', NULL, NULL, 900),
           ($2, now(), now() - interval '2 hours', now() - interval '10 minutes', 2, 800),
           ($3, now(), now() - interval '2 hours', now() - interval '5 minutes', 1, 1),
           ($4, now(), NULL, NULL, NULL, 5),
           ($5, now(), NULL, now(), 0, 1),
           ($6, now(), now() - interval '1 hour', NULL, NULL, 1000),
           ($7, now(), now(), NULL, NULL, 1000)`,
        names.map((n) => address[n]),
      ),
    );
    const opts = { worker: 'w', leaseSeconds: 60, includeVaults: false, roundStart: new Date(Date.now() - 60_000) };
    // One at a time: the order in which the queue hands traders out (a batch's rows come back unordered).
    const drain = async (flaggedOnly: boolean) => {
      const got: Array<{ id: string; name: string }> = [];
      for (let t = await queue.claim({ ...opts, limit: 1, flaggedOnly }); t.length > 0; t = await queue.claim({ ...opts, limit: 1, flaggedOnly })) {
        got.push({ id: t[0].id, name: names.find((n) => address[n] === t[0].address)! });
      }
      return got;
    };
    expect(await queue.baselineWaiting(false)).toBe(true);
    const fast = await drain(true);
    expect(fast.map((t) => t.name)).toEqual(['newTrader', 'gap', 'suspect']);
    expect(await queue.baselineWaiting(false)).toBe(false); // claimed
    await queue.release(fast.map((t) => t.id), 'w');
    // `fresh` was tracked in this round: not due.
    expect((await drain(false)).map((t) => t.name)).toEqual(['newTrader', 'neverTracked', 'gap', 'suspect', 'roundRobinOld', 'roundRobinNew']);
  });
});
