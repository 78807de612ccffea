import { startSimulator, type SimulatorHandle } from '../../src/simulator';
import { postInfo, simGet } from './helpers';
import { waitFor } from '../support/wait';

interface Stats {
  weight: {
    limitPerMinute: number;
    currentWindow: number;
    maxWindow: number;
    rejected429: number;
    totalConsumed: number;
    byClient: Record<string, { currentWindow: number; maxWindow: number; rejected429: number; totalConsumed: number }>;
  };
  requestsByType: Record<string, number>;
}

describe('REST weights, the rolling window and 429', () => {
  let sim: SimulatorHandle;
  let trader: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 30, weightPerMinute: 100, weightWindowMs: 1500 });
    sim.control.generate(3000);
    trader = sim.control.truth().sort((a, b) => b.tradesCount - a.tradesCount)[0].address;
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.control.reset());

  const as = (client: string) => ({ 'x-sim-client': client });

  it('charges each request type its weight', async () => {
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ type: 'allMids' }, 2],
      [{ type: 'clearinghouseState', user: sim.control.traders()[7] }, 2],
      [{ type: 'meta' }, 20],
      [{ type: 'metaAndAssetCtxs' }, 20],
      [{ type: 'portfolio', user: sim.control.traders()[7] }, 20],
      [{ type: 'userRole', user: sim.control.traders()[7] }, 60],
      [{ type: 'batchClearinghouseStates', users: sim.control.traders().slice(0, 5) }, 28],
    ];
    for (const [body, weight] of cases) {
      const client = `w-${String(body.type)}`;
      expect((await postInfo(sim.infoUrl, body, as(client))).status).toBe(200);
      expect(sim.control.stats().weight.byClient[client].totalConsumed).toBe(weight);
    }
  });

  it('adds floor(fills / 20) to userFills and userFillsByTime', async () => {
    sim.control.generate(3000);
    const busiest = sim.control.truth().sort((a, b) => b.tradesCount - a.tradesCount)[0].address;
    const fills = await postInfo<unknown[]>(sim.infoUrl, { type: 'userFills', user: busiest }, as('fills'));
    expect(fills.body.length).toBeGreaterThan(100);
    expect(sim.control.stats().weight.byClient.fills.totalConsumed).toBe(20 + Math.floor(fills.body.length / 20));
    const some = await postInfo<unknown[]>(sim.infoUrl, { type: 'userFillsByTime', user: busiest, startTime: 0 }, as('bytime'));
    expect(sim.control.stats().weight.byClient.bytime.totalConsumed).toBe(20 + Math.floor(some.body.length / 20));
  });

  it('answers 429 when a request does not fit, consuming nothing, per client', async () => {
    for (let i = 0; i < 50; i++) expect((await postInfo(sim.infoUrl, { type: 'allMids' }, as('a'))).status).toBe(200);
    const refused = await postInfo(sim.infoUrl, { type: 'allMids' }, as('a'));
    expect(refused.status).toBe(429);
    expect((await postInfo(sim.infoUrl, { type: 'meta' }, as('a'))).status).toBe(429);
    // Another egress IP has its own budget.
    expect((await postInfo(sim.infoUrl, { type: 'meta' }, as('b'))).status).toBe(200);
    const stats = await simGet<Stats>(sim.httpUrl, 'stats');
    expect(stats.weight.byClient.a).toMatchObject({ currentWindow: 100, maxWindow: 100, rejected429: 2, totalConsumed: 100 });
    expect(stats.weight.byClient.b.totalConsumed).toBe(20);
    expect(stats.weight).toMatchObject({ limitPerMinute: 100, maxWindow: 100, rejected429: 2 });
    expect(stats.requestsByType).toMatchObject({ allMids: 51, meta: 2 });
  });

  it('a request heavier than what is left is refused even when a lighter one would fit', async () => {
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: trader }, as('c'))).status).toBe(200); // 60
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: trader }, as('c'))).status).toBe(429); // 120 > 100
    expect((await postInfo(sim.infoUrl, { type: 'meta' }, as('c'))).status).toBe(200); // 80
    expect(sim.control.stats().weight.byClient.c).toMatchObject({ currentWindow: 80, rejected429: 1 });
  });

  it('the window rolls: weight is released once it is older than the window', async () => {
    for (let i = 0; i < 5; i++) await postInfo(sim.infoUrl, { type: 'meta' }, as('d'));
    expect((await postInfo(sim.infoUrl, { type: 'meta' }, as('d'))).status).toBe(429);
    await waitFor(async () => (await postInfo(sim.infoUrl, { type: 'allMids' }, as('d'))).status === 200, 4000, 10, 'the window to roll');
    const d = sim.control.stats().weight.byClient.d;
    expect(d.maxWindow).toBe(100);
    expect(d.currentWindow).toBeLessThanOrEqual(100);
  });

  it('the default client is the remote IP', async () => {
    await postInfo(sim.infoUrl, { type: 'allMids' });
    expect(Object.keys(sim.control.stats().weight.byClient)).toEqual(['127.0.0.1']);
  });
});
