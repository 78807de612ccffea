import { HLP_ADDRESS, startSimulator, type SimulatorHandle, type WireFill } from '../../src/simulator';
import { postInfo } from './helpers';

describe('userFills / userFillsByTime paging', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 17, traders: 50, weightPerMinute: 1_000_000 });
    // HLP is a party to a large share of trades: well over 10,000 fills.
    sim.control.generate(80_000);
  });
  afterAll(() => sim.close());

  it('pages by startTime, 2000 per page, oldest first, over the newest 10,000 fills only', async () => {
    const hlp = sim.control.truth().find((t) => t.address === HLP_ADDRESS)!;
    expect(hlp.tradesCount).toBeGreaterThan(10_000);

    const seen = new Map<number, WireFill>();
    let startTime = 0;
    let pages = 0;
    for (;;) {
      const page = await postInfo<WireFill[]>(sim.infoUrl, { type: 'userFillsByTime', user: HLP_ADDRESS, startTime }, { 'x-sim-client': 'pager' });
      expect(page.status).toBe(200);
      pages++;
      expect(page.body.length).toBeLessThanOrEqual(2000);
      for (let i = 1; i < page.body.length; i++) expect(page.body[i].time).toBeGreaterThanOrEqual(page.body[i - 1].time);
      const fresh = page.body.filter((f) => !seen.has(f.tid));
      for (const f of page.body) seen.set(f.tid, f);
      if (page.body.length < 2000 || fresh.length === 0) break;
      // Same-millisecond fills straddle pages: restart at the last time and dedupe on tid.
      startTime = page.body[page.body.length - 1].time;
    }
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(seen.size).toBe(10_000);

    const newest = await postInfo<WireFill[]>(sim.infoUrl, { type: 'userFills', user: HLP_ADDRESS });
    expect(newest.body).toHaveLength(2000);
    for (let i = 1; i < newest.body.length; i++) expect(newest.body[i].time).toBeLessThanOrEqual(newest.body[i - 1].time);
    const all = [...seen.values()].sort((a, b) => a.tid - b.tid);
    expect(newest.body.map((f) => f.tid).sort((a, b) => a - b)).toEqual(all.slice(-2000).map((f) => f.tid));

    // The weight of a full page: 20 + 2000 / 20.
    expect(sim.control.stats().weight.byClient.pager.totalConsumed).toBeGreaterThanOrEqual(pages * 20 + 5 * 100);

    const window = await postInfo<WireFill[]>(sim.infoUrl, {
      type: 'userFillsByTime',
      user: HLP_ADDRESS,
      startTime: all[100].time,
      endTime: all[200].time,
    });
    expect(window.body.every((f) => f.time >= all[100].time && f.time <= all[200].time)).toBe(true);
    expect(window.body.length).toBeGreaterThanOrEqual(101);
  });
});
