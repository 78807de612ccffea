import { HttpTransport, InfoClient, SubscriptionClient, WebSocketTransport } from './sdk-loader';
import WebSocket from 'ws';
import { HLP_ADDRESS, startSimulator, type SimulatorHandle, type WsTrade } from '../../src/simulator';
import { waitFor } from '../support/wait';

/**
 * @nktkas/hyperliquid 0.32.2 pointed at the simulator: every supported info request, and a trades
 * subscription receiving scripted trades. (The SDK has no batchClearinghouseStates method; the raw
 * transport call below covers it.)
 */
describe('@nktkas/hyperliquid against the simulator', () => {
  let sim: SimulatorHandle;
  let user: `0x${string}`;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, traders: 40 });
    sim.control.generate(3000);
    sim.control.applyFunding();
    user = sim.control.truth().filter((t) => t.kind === 'trader').sort((a, b) => b.tradesCount - a.tradesCount)[0].address as `0x${string}`;
  });
  afterAll(() => sim.close());

  it('InfoClient over HttpTransport reads every supported request', async () => {
    const transport = new HttpTransport({ apiUrl: sim.httpUrl });
    const info = new InfoClient({ transport });
    const meta = await info.meta();
    expect(meta.universe[0]).toMatchObject({ name: 'BTC', szDecimals: 5 });
    const [meta2, ctxs] = await info.metaAndAssetCtxs();
    expect(ctxs).toHaveLength(meta2.universe.length);
    expect(Number(ctxs[0].markPx)).toBeGreaterThan(0);
    const mids = await info.allMids();
    expect(Number(mids.BTC)).toBeGreaterThan(0);
    const state = await info.clearinghouseState({ user });
    expect(state.marginSummary.accountValue).toMatch(/^-?\d+\.\d+$/);
    const fills = await info.userFills({ user });
    expect(fills.length).toBeGreaterThan(0);
    expect(fills[0].tid).toEqual(expect.any(Number));
    const byTime = await info.userFillsByTime({ user, startTime: 0 });
    expect(byTime.length).toBe(fills.length); // fewer than 2000 fills: both return them all
    expect(byTime[0].time).toBeLessThanOrEqual(byTime[byTime.length - 1].time);
    const portfolio = await info.portfolio({ user });
    expect(portfolio.map(([p]) => p)).toEqual(['day', 'week', 'month', 'allTime', 'perpDay', 'perpWeek', 'perpMonth', 'perpAllTime']);
    const funding = await info.userFunding({ user: HLP_ADDRESS, startTime: 0 });
    expect(funding[0].delta.type).toBe('funding');
    expect(await info.userRole({ user: HLP_ADDRESS })).toEqual({ role: 'vault' });
    expect(await info.userRole({ user })).toEqual({ role: 'user' });
    const batch = await transport.request<unknown[]>('info', { type: 'batchClearinghouseStates', users: [user, HLP_ADDRESS] });
    expect(batch).toHaveLength(2);
  });

  it('surfaces a 429 as an HttpRequestError', async () => {
    const info = new InfoClient({ transport: new HttpTransport({ apiUrl: sim.httpUrl }) });
    sim.control.failInfo({ status: 429, count: 1 });
    await expect(info.allMids()).rejects.toThrow(/429/);
    await expect(info.allMids()).resolves.toHaveProperty('BTC');
  });

  it('SubscriptionClient over WebSocketTransport receives scripted trades', async () => {
    const transport = new WebSocketTransport({
      url: sim.wsUrl,
      // Node 20 has no global WebSocket: hand the SDK the ws implementation.
      reconnect: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, maxRetries: 0 },
    });
    const subs = new SubscriptionClient({ transport });
    const got: WsTrade[] = [];
    const mids: Array<Record<string, string>> = [];
    try {
      const sub = await subs.trades({ coin: 'SOL' }, (trades) => got.push(...(trades as unknown as WsTrade[])));
      const midsSub = await subs.allMids((e) => mids.push(e.mids));
      const [a, b] = sim.control.traders().slice(8, 10);
      const sent = [
        sim.control.trade({ coin: 'SOL', buyer: a, seller: b, sz: '3.5' }),
        sim.control.trade({ coin: 'SOL', buyer: b, seller: HLP_ADDRESS, sz: '1', takerSide: 'A' }),
      ];
      await waitFor(() => sent.every((s) => got.some((g) => g.tid === s.tid)), 5000, 10, 'the scripted trades');
      expect(got.filter((g) => sent.some((s) => s.tid === g.tid))).toEqual(sent);
      await waitFor(() => mids.length > 0, 3000, 10, 'allMids');
      await sub.unsubscribe();
      await midsSub.unsubscribe();
    } finally {
      await transport.close();
    }
  });
});
