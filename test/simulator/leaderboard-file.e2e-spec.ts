import { parseExchangeBoard } from '../../src/hyperliquid/stats-leaderboard-parser';
import { startSimulator, type SimulatorHandle } from '../../src/simulator';
import { fixture, postInfo, shapeDiff } from './helpers';

type Series = { accountValueHistory: [number, string][]; pnlHistory: [number, string][]; vlm: string };

/** GET /Mainnet/leaderboard: the exchange's public leaderboard file, from the accounts' own portfolio history. */
describe('simulator leaderboard file', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, traders: 300 });
    sim.control.generate(3000);
  });

  afterAll(() => sim.close());

  it('has the recorded file\'s shape and lists every user account (no vaults), costing no weight', async () => {
    const res = await fetch(`${sim.httpUrl}/Mainnet/leaderboard`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { leaderboardRows: unknown[] };
    expect(shapeDiff(body.leaderboardRows[0], fixture<{ leaderboardRows: unknown[] }>('info/statsLeaderboard.sample.json').leaderboardRows[0], { nullable: ['displayName'] })).toEqual([]);
    const parsed = parseExchangeBoard(body);
    expect(parsed.invalid).toBe(0);
    const users = sim.control.truth().filter((t) => t.kind !== 'vault');
    expect(new Set(parsed.rows.map((r) => r.address))).toEqual(new Set(users.map((t) => t.address)));
    expect(sim.control.stats().weight.totalConsumed).toBe(0);
    expect((await fetch(`${sim.httpUrl}/Mainnet/leaderboard`, { method: 'POST' })).status).toBe(405);
  });

  it('reports each window as its portfolio shows it: PnL = value change, ROI = PnL / start value, volume traded', async () => {
    const parsed = parseExchangeBoard(await (await fetch(`${sim.httpUrl}/Mainnet/leaderboard`)).json());
    const active = sim.control.truth().filter((t) => t.kind === 'trader' && t.tradesCount > 0).slice(0, 5);
    expect(active.length).toBe(5);
    for (const t of active) {
      const row = parsed.rows.find((r) => r.address === t.address)!;
      const portfolio = (await postInfo<[string, Series][]>(sim.infoUrl, { type: 'portfolio', user: t.address })).body;
      const month = new Map(portfolio).get('month')!;
      const start = Number(month.accountValueHistory[0][1]);
      const end = Number(month.accountValueHistory[month.accountValueHistory.length - 1][1]);
      const pnl = Number(month.pnlHistory[month.pnlHistory.length - 1][1]);
      expect(Number(row.windows.month!.pnl)).toBeCloseTo(pnl, 1);
      expect(Number(row.windows.month!.roi)).toBeCloseTo(pnl / start, 6);
      expect(Number(row.accountValue)).toBeCloseTo(end, 1);
      expect(Number(row.windows.month!.vlm)).toBeCloseTo(Number(month.vlm), 2);
      // Volume over the month includes the synthetic month before the start, so it exceeds what the tape shows.
      expect(Number(row.windows.allTime!.vlm)).toBeGreaterThanOrEqual(Number(t.volumeUsd));
      expect(Number(row.windows.day!.vlm)).toBeLessThanOrEqual(Number(row.windows.week!.vlm));
      expect(Number(row.windows.week!.vlm)).toBeLessThanOrEqual(Number(row.windows.month!.vlm));
    }
  });
});
