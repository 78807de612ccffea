import { Client } from 'pg';
import { EXCHANGE_BOARD_LOCK_KEY } from '../../src/leaderboard/exchange-board.repository';
import { LEDGER_PARTITIONS_LOCK_KEY } from '../../src/ledger/ledger-partitions.repository';
import { startSimulator, type SimulatorHandle } from '../../src/simulator';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/**
 * The day-one read of the exchange leaderboard file is not held up by other jobs' locks: with the
 * ledger's partition maintenance lock held all along (it once shared the board's key, and a boot
 * where that job held it skipped the read for a whole minute), and the board's own lock held by
 * "another worker" for the first seconds, the file is read seconds after that lock is free.
 */
describe('exchange leaderboard file: the boot read and the locks', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let other: Client;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 23, traders: 60, tradeRate: 1 });
    db = await createTestDatabase();
    other = new Client({ connectionString: db.url });
    await other.connect();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await other?.end();
    await sim?.close();
    await db?.drop();
  }, 60_000);

  it('reads the file within seconds of its lock being free, whoever else holds which lock', async () => {
    await other.query('SELECT pg_advisory_lock($1), pg_advisory_lock($2)', [LEDGER_PARTITIONS_LOCK_KEY, EXCHANGE_BOARD_LOCK_KEY]);
    const redis = await createTestRedis();
    app = await startTestApp({
      ROLE: 'worker',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      EXCHANGE_LEADERBOARD_URL: `${sim.httpUrl}/Mainnet/leaderboard`,
      LEADERBOARD_INTERVAL_SECONDS: '3600',
    });
    const reads = async () => Number((await other.query('SELECT count(*) AS n FROM exchange_board_fetches')).rows[0].n);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await reads()).toBe(0); // the board's lock is another worker's
    await other.query('SELECT pg_advisory_unlock($1)', [EXCHANGE_BOARD_LOCK_KEY]);
    const freed = Date.now();
    await waitFor(async () => (await reads()) > 0, 20_000, 200);
    // A busy lock is checked again within 5 s (not at the next 60 s check).
    expect(Date.now() - freed).toBeLessThan(15_000);
    const seeded = Number((await other.query('SELECT count(*) AS n FROM exchange_board_rows')).rows[0].n);
    expect(seeded).toBeGreaterThan(0);
    await other.query('SELECT pg_advisory_unlock_all()');
  }, 60_000);
});
