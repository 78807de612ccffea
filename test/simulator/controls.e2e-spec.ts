import { HLP_ADDRESS, startSimulator, type SimulatorHandle, type TraderTruth, type TruthPosition, type WireFill, type WsTrade } from '../../src/simulator';
import { postInfo, simGet, simPost, WsProbe } from './helpers';
import { waitFor } from '../support/wait';

interface StateBody {
  assetPositions: Array<{ position: { coin: string; szi: string; entryPx: string } }>;
}

describe('simulator controls (HTTP /sim/* and in-process)', () => {
  let sim: SimulatorHandle;
  let alice: string;
  let bob: string;
  const probes: WsProbe[] = [];
  const connect = async (coins: string[] = ['ETH']) => {
    const p = await WsProbe.connect(sim.wsUrl);
    probes.push(p);
    for (const coin of coins) await p.subscribe({ type: 'trades', coin });
    return p;
  };
  const szi = async (user: string, coin: string): Promise<string | undefined> => {
    const r = await postInfo<StateBody>(sim.infoUrl, { type: 'clearinghouseState', user });
    return r.body.assetPositions.find((p) => p.position.coin === coin)?.position.szi;
  };
  const fills = async (user: string) => (await postInfo<WireFill[]>(sim.infoUrl, { type: 'userFills', user })).body;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, traders: 40, replayCount: 0 });
  });
  beforeEach(() => {
    sim.control.reset();
    alice = '0x' + 'a1'.repeat(20);
    bob = '0x' + 'b2'.repeat(20);
  });
  afterEach(() => {
    for (const p of probes.splice(0)) p.close();
  });
  afterAll(() => sim.close());

  it('trade: scripted trade between given addresses, published at once, positions and fills updated', async () => {
    const ws = await connect();
    const t = await simPost<WsTrade>(sim.httpUrl, 'trade', { coin: 'ETH', buyer: alice, seller: bob, sz: '1.25', px: '1900.5' });
    expect(t).toMatchObject({ coin: 'ETH', side: 'B', px: '1900.5', sz: '1.25', users: [alice, bob] });
    expect((await ws.next((f) => f.json?.channel === 'trades')).json.data).toEqual([t]);
    expect(await szi(alice, 'ETH')).toBe('1.25');
    expect(await szi(bob, 'ETH')).toBe('-1.25');
    const [fill] = await fills(alice);
    expect(fill).toMatchObject({ coin: 'ETH', px: '1900.5', sz: '1.25', side: 'B', dir: 'Open Long', crossed: true, tid: t.tid, hash: t.hash });
    // Flip: alice sells 2 → "Long > Short"; px defaults to the mid.
    const t2 = sim.control.trade({ coin: 'ETH', buyer: bob, seller: alice, sz: 2, takerSide: 'A' });
    expect(t2.side).toBe('A');
    expect(t2.tid).toBeGreaterThan(t.tid);
    expect((await fills(alice))[0]).toMatchObject({ dir: 'Long > Short', startPosition: '1.25', crossed: true });
    expect(sim.control.position(alice, 'ETH')).toMatchObject({ szi: '-0.75' });
    const truth = sim.control.truth().find((x) => x.address === alice)!;
    expect(truth.tradesCount).toBe(2);
    expect(Number(truth.volumeUsd)).toBeCloseTo(1.25 * 1900.5 + 2 * Number(t2.px), 6);

    const bad = await fetch(`${sim.httpUrl}/sim/trade`, { method: 'POST', body: JSON.stringify({ coin: 'NOPE', buyer: alice, seller: bob, sz: 1 }) });
    expect(bad.status).toBe(400);
    expect(() => sim.control.trade({ coin: 'ETH', buyer: alice, seller: alice, sz: 1 })).toThrow(/differ/);
  });

  it('setPosition: changes a position with no public trade', async () => {
    const ws = await connect();
    const p = await simPost<TruthPosition>(sim.httpUrl, 'set-position', { user: alice, coin: 'ETH', szi: '-3.5', entryPx: 1800 });
    expect(p).toEqual({ coin: 'ETH', szi: '-3.5', entryPx: '1800.0' });
    expect(await szi(alice, 'ETH')).toBe('-3.5');
    expect(await fills(alice)).toEqual([]);
    const marker = sim.control.trade({ coin: 'ETH', buyer: bob, seller: HLP_ADDRESS, sz: '0.1' });
    const first = await ws.next((f) => f.json?.channel === 'trades');
    expect(first.json.data).toEqual([marker]); // nothing was published for setPosition
    sim.control.setPosition({ user: alice, coin: 'ETH', szi: 0 });
    expect(await szi(alice, 'ETH')).toBeUndefined();
  });

  it('liquidate (backstop): position gone with no public trade, a fill with liquidation, HLP takes it over', async () => {
    const ws = await connect();
    sim.control.trade({ coin: 'ETH', buyer: alice, seller: bob, sz: 2 });
    await ws.next((f) => f.json?.channel === 'trades');
    const hlpBefore = sim.control.position(HLP_ADDRESS, 'ETH');
    const res = await simPost<{ fills: WireFill[]; trades: WsTrade[] }>(sim.httpUrl, 'liquidate', { user: alice });
    expect(res.trades).toEqual([]);
    expect(res.fills).toHaveLength(1);
    expect(res.fills[0]).toMatchObject({ coin: 'ETH', side: 'A', sz: '2.0', dir: 'Close Long', liquidation: { liquidatedUser: alice, method: 'backstop' } });
    expect(await szi(alice, 'ETH')).toBeUndefined();
    expect((await fills(alice))[0].liquidation?.method).toBe('backstop');
    const hlpAfter = sim.control.position(HLP_ADDRESS, 'ETH');
    expect(Number(hlpAfter?.szi ?? 0) - Number(hlpBefore?.szi ?? 0)).toBeCloseTo(2, 8);
    const marker = sim.control.trade({ coin: 'ETH', buyer: bob, seller: HLP_ADDRESS, sz: '0.1' });
    await ws.next((f) => f.json?.channel === 'trades' && f.json.data[0].tid === marker.tid);
    expect(ws.trades()).toHaveLength(2); // the opening trade and the marker, nothing for the liquidation
  });

  it('liquidate (market): a public trade, fills carry liquidation.method "market"', async () => {
    const ws = await connect();
    sim.control.setPosition({ user: alice, coin: 'ETH', szi: '-4', entryPx: '1700' });
    const res = sim.control.liquidate({ user: alice, coin: 'ETH', method: 'market' });
    expect(res.trades).toHaveLength(1);
    expect(res.trades[0]).toMatchObject({ coin: 'ETH', side: 'B', sz: '4.0', users: [alice, HLP_ADDRESS] });
    expect((await ws.next((f) => f.json?.channel === 'trades')).json.data).toEqual(res.trades);
    expect(res.fills[0]).toMatchObject({ dir: 'Close Short', liquidation: { liquidatedUser: alice, method: 'market' } });
    expect(sim.control.position(alice, 'ETH')).toBeNull();
  });

  it('adl: reduces a position with no public trade, dir "Auto-Deleveraging"', async () => {
    sim.control.trade({ coin: 'BTC', buyer: alice, seller: bob, sz: '0.5' });
    const fill = await simPost<WireFill>(sim.httpUrl, 'adl', { user: alice, coin: 'BTC', sz: '0.2' });
    expect(fill).toMatchObject({ coin: 'BTC', side: 'A', sz: '0.2', dir: 'Auto-Deleveraging', fee: '0.0', startPosition: '0.5' });
    expect(fill.liquidation?.method).toBe('backstop');
    expect(await szi(alice, 'BTC')).toBe('0.3');
    expect(sim.control.stats().trades.total).toBe(1);
  });

  it('setTradeRate: background trades flow, and stop at 0', async () => {
    const ws = await connect(['BTC', 'ETH', 'SOL']);
    await simPost(sim.httpUrl, 'set-trade-rate', { tradesPerSecond: 1000 });
    await waitFor(() => ws.trades().length >= 200, 5000, 10, 'generated trades');
    sim.control.setTradeRate(0);
    const total = sim.control.stats().trades.total;
    expect(total).toBeGreaterThan(200);
    await waitFor(() => ws.trades().length === sim.control.stats().ws.tradesSent, 3000, 10);
    const settled = sim.control.stats().trades.total;
    await new Promise((r) => setTimeout(r, 150)); // prove absence: nothing more gets generated
    expect(sim.control.stats().trades.total).toBe(settled);
    expect(sim.control.stats().trades.generated).toBe(settled);
  });

  it('generate: runs the generator synchronously', async () => {
    const r = await simPost<{ generated: number }>(sim.httpUrl, 'generate', { count: 1234 });
    expect(r.generated).toBe(1234);
    expect(sim.control.stats().trades.total).toBe(1234);
  });

  it('dropAllSockets: closes every socket with 1000, or abruptly', async () => {
    const [x, y] = [await connect(), await connect()];
    expect(await simPost(sim.httpUrl, 'drop-all-sockets')).toEqual({ dropped: 2 });
    expect((await x.closed).code).toBe(1000);
    expect((await y.closed).code).toBe(1000);
    const z = await connect();
    expect(sim.control.dropAllSockets({ abrupt: true })).toBe(1);
    expect((await z.closed).code).toBe(1006);
  });

  it('stallSockets: stops sending without closing; what is sent meanwhile is lost', async () => {
    const ws = await connect();
    expect(await simPost(sim.httpUrl, 'stall-sockets', { ms: 400 })).toEqual({ stalled: 1 });
    const lost = sim.control.trade({ coin: 'ETH', buyer: alice, seller: bob, sz: 1 });
    ws.send({ method: 'ping' });
    expect(sim.control.stats().ws.connections).toBe(1);
    await waitFor(() => sim.control.stats().ws.messagesDropped >= 2, 2000, 10, 'the pong to be swallowed');
    await waitFor(() => {
      sim.control.trade({ coin: 'ETH', buyer: alice, seller: bob, sz: 1 });
      return ws.trades().length > 0;
    }, 3000, 10, 'sending to resume');
    expect(ws.trades().some((t) => t.tid === lost.tid)).toBe(false);
    expect(ws.frames.some((f) => f.json?.channel === 'pong')).toBe(false);
  });

  it('sendMalformed: garbage frames to every socket, which stays usable', async () => {
    const ws = await connect();
    const n = ws.frames.length;
    expect(await simPost(sim.httpUrl, 'send-malformed', { count: 9 })).toEqual({ sent: 9 });
    await waitFor(() => ws.frames.length >= n + 9, 2000, 10);
    const junk = ws.frames.slice(n);
    expect(junk.some((f) => f.binary)).toBe(true);
    expect(junk.some((f) => !f.binary && f.json === undefined)).toBe(true);
    expect(junk.some((f) => f.json?.channel === 'trades' && !Array.isArray(f.json.data))).toBe(true);
    ws.send({ method: 'ping' });
    await ws.next((f) => f.json?.channel === 'pong');
  });

  it('failInfo: 429 / 500 for a number of requests, for a while, or for one client', async () => {
    await simPost(sim.httpUrl, 'fail-info', { status: 429, count: 2 });
    expect((await postInfo(sim.infoUrl, { type: 'allMids' })).status).toBe(429);
    expect((await postInfo(sim.infoUrl, { type: 'allMids' })).status).toBe(429);
    expect((await postInfo(sim.infoUrl, { type: 'allMids' })).status).toBe(200);
    sim.control.failInfo({ status: 500, forMs: 300 });
    expect((await postInfo(sim.infoUrl, { type: 'meta' })).status).toBe(500);
    await waitFor(async () => (await postInfo(sim.infoUrl, { type: 'meta' })).status === 200, 2000, 10, 'the failure window to end');
    sim.control.failInfo({ status: 429, count: 5, client: 'victim' });
    expect((await postInfo(sim.infoUrl, { type: 'allMids' }, { 'x-sim-client': 'other' })).status).toBe(200);
    expect((await postInfo(sim.infoUrl, { type: 'allMids' }, { 'x-sim-client': 'victim' })).status).toBe(429);
    const stats = sim.control.stats();
    expect(stats.info.injectedFailures).toBeGreaterThanOrEqual(4);
    expect(stats.weight.rejected429).toBe(0); // injected failures are not budget rejections
  });

  it('slowInfo: delays /info answers for a while', async () => {
    await simPost(sim.httpUrl, 'slow-info', { delayMs: 300, forMs: 1000 });
    const t0 = Date.now();
    expect((await postInfo(sim.infoUrl, { type: 'allMids' })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    sim.control.slowInfo({ delayMs: 0 });
    const t1 = Date.now();
    await postInfo(sim.infoUrl, { type: 'allMids' });
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it('applyFunding and setRole', async () => {
    sim.control.setPosition({ user: alice, coin: 'BTC', szi: 1 });
    const { payments } = await simPost<{ payments: number }>(sim.httpUrl, 'apply-funding');
    expect(payments).toBeGreaterThan(1);
    const funding = await postInfo<Array<{ delta: { coin: string; szi: string } }>>(sim.infoUrl, { type: 'userFunding', user: alice, startTime: 0 });
    expect(funding.body).toHaveLength(1);
    expect(funding.body[0].delta).toMatchObject({ coin: 'BTC', szi: '1.0', type: 'funding' });
    await simPost(sim.httpUrl, 'set-role', { user: bob, role: 'vault' });
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: bob })).body).toEqual({ role: 'vault' });
    sim.control.setRole({ user: bob, role: 'subAccount', data: alice });
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: bob })).body).toEqual({ role: 'subAccount', data: { master: alice } });
  });

  it('reset: back to the seeded starting state; stats, truth, traders and position readable over HTTP', async () => {
    const before = await simGet<TraderTruth[]>(sim.httpUrl, 'truth');
    sim.control.generate(3000);
    await postInfo(sim.infoUrl, { type: 'allMids' });
    expect(sim.control.stats().trades.total).toBe(3000);
    await simPost(sim.httpUrl, 'reset');
    const after = await simGet<TraderTruth[]>(sim.httpUrl, 'truth');
    expect(after.map((t) => [t.address, t.positions])).toEqual(before.map((t) => [t.address, t.positions]));
    const stats = await simGet<{ trades: { total: number }; weight: { totalConsumed: number } }>(sim.httpUrl, 'stats');
    expect(stats.trades.total).toBe(0);
    expect(stats.weight.totalConsumed).toBe(0);
    const traders = await simGet<string[]>(sim.httpUrl, 'traders');
    expect(traders).toHaveLength(45);
    expect(traders[0]).toBe(HLP_ADDRESS);
    const withPos = after.find((t) => t.positions.length > 0)!;
    const pos = await simGet<TruthPosition>(sim.httpUrl, `position?user=${withPos.address}&coin=${withPos.positions[0].coin}`);
    expect(pos).toEqual(withPos.positions[0]);
    // reset with another seed gives another population.
    sim.control.reset({ seed: 14 });
    expect(sim.control.traders()[1]).not.toBe(traders[1]);
    sim.control.reset({ seed: 13 });
  });

  it('404 for unknown controls and 405 for GET on mutating ones', async () => {
    expect((await fetch(`${sim.httpUrl}/sim/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${sim.httpUrl}/sim/trade`)).status).toBe(405);
  });
});
