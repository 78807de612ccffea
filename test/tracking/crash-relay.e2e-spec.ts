import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { EventListener, randomAddress } from '../support/events';
import { freePort, RunningProcess, spawnApp, waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/** kill -9 of a worker between an event's commit and its publish loses nothing: the relay publishes it. */
describe('tracking: no event lost when a worker dies between commit and publish', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let redisUrl: string;
  let listener: EventListener;
  const procs: RunningProcess[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, traders: 10, coins: ['BTC', 'ETH'], tradeRate: 0 });
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
    listener = await EventListener.start(redisUrl);
  });

  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await listener?.close();
    await sim?.close();
    await db?.drop();
  });

  async function start(extra: Record<string, string>): Promise<RunningProcess> {
    const proc = spawnApp({
      ROLE: 'discovery,worker',
      PORT: String(await freePort()),
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      DB_MIGRATE: 'false',
      ...extra,
    });
    procs.push(proc);
    return proc;
  }

  const eventsOf = (address: string) =>
    withClient(db.url, (c) =>
      c.query<{ id: string; event_type: string; published_at: Date | null }>(
        'SELECT id, event_type, published_at FROM trade_events WHERE trader_address = $1 ORDER BY id',
        [address],
      ),
    ).then((r) => r.rows);

  it('the relay of the next worker publishes what the killed one committed', async () => {
    const doomed = await start({ FAULT_INJECTION: 'exit-after-commit' });
    await waitFor(async () => sim.control.stats().ws.subscriptions >= 2, 20000);
    const trader = randomAddress();
    const other = randomAddress();
    // Its first snapshot replays the kept trade: position_opened (first sight) → commit → SIGKILL.
    sim.control.trade({ coin: 'ETH', buyer: trader, seller: other, sz: '1' });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');

    // Either party's first-sight event may be the one committed before the kill (the seller opens too).
    const [ofTrader] = await eventsOf(trader);
    const [ofOther] = await eventsOf(other);
    const victim = ofTrader && ofTrader.published_at === null ? trader : other;
    const [stored] = await eventsOf(victim);
    expect(stored).toMatchObject({ event_type: 'position_opened', published_at: null });
    expect(ofTrader ?? ofOther).toBeDefined();
    expect(listener.forTrader(victim)).toHaveLength(0);

    await start({});
    const delivered = await waitFor(async () => listener.forTrader(victim)[0], 20000);
    expect(delivered.id).toBe(Number(stored.id));
    expect(delivered.event_type).toBe('position_opened');
    await waitFor(async () => (await eventsOf(victim))[0].published_at !== null, 10000);
    expect(listener.forTrader(victim)).toHaveLength(1);
  });
});
