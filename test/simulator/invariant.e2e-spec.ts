import { FlowGenerator, Market, Rng, startSimulator, type SimulatorHandle, type WsTrade } from '../../src/simulator';
import { parseScaled } from '../../src/simulator/format';
import { clearinghouseStateView } from '../../src/simulator/views';
import { postInfo, simPost, WsProbe } from './helpers';
import { waitFor } from '../support/wait';

interface StateBody {
  assetPositions: Array<{ position: { coin: string; szi: string } }>;
}

/** Signed size per coin, in integer units, from a clearinghouseState answer. */
function positionsOf(market: Market, state: StateBody): Map<string, number> {
  const out = new Map<string, number>();
  for (const { position } of state.assetPositions) {
    out.set(position.coin, parseScaled(position.szi, market.coin(position.coin)!.szDecimals));
  }
  return out;
}

/** Adds each trade's +sz (buyer) / −sz (seller), parsed from the wire strings, to `deltas`. */
function accumulate(market: Market, deltas: Map<string, number>, trades: Iterable<WsTrade>): void {
  for (const t of trades) {
    const units = parseScaled(t.sz, market.coin(t.coin)!.szDecimals);
    const [buyer, seller] = t.users;
    deltas.set(`${buyer}|${t.coin}`, (deltas.get(`${buyer}|${t.coin}`) ?? 0) + units);
    deltas.set(`${seller}|${t.coin}`, (deltas.get(`${seller}|${t.coin}`) ?? 0) - units);
  }
}

function mismatches(
  market: Market,
  addresses: readonly string[],
  start: Map<string, Map<string, number>>,
  deltas: Map<string, number>,
  now: (addr: string) => Map<string, number>,
): string[] {
  const out: string[] = [];
  for (const addr of addresses) {
    const before = start.get(addr) ?? new Map<string, number>();
    const after = now(addr);
    for (const spec of market.coins) {
      const expected = (before.get(spec.name) ?? 0) + (deltas.get(`${addr}|${spec.name}`) ?? 0);
      const actual = after.get(spec.name) ?? 0;
      if (expected !== actual) out.push(`${addr} ${spec.name}: start+Σdeltas=${expected} units, state=${actual}`);
    }
  }
  return out;
}

describe('invariant: starting position + Σ streamed trade deltas = clearinghouseState szi', () => {
  it('holds for every trader and coin over 100,000 generated trades (in-process)', () => {
    const market = new Market({ seed: 1234, traders: 300 });
    const view = (addr: string) => positionsOf(market, clearinghouseStateView(market, market.trader(addr)) as unknown as StateBody);
    const addresses = market.traders.map((t) => t.address);
    const start = new Map(addresses.map((a) => [a, view(a)]));
    expect([...start.values()].filter((m) => m.size > 0).length).toBeGreaterThan(50); // non-zero starts exist

    const deltas = new Map<string, number>();
    let messages = 0;
    market.onTrades = (_c, trades) => {
      messages++;
      accumulate(market, deltas, trades.map((t) => JSON.parse(market.tradeJson(t)) as WsTrade));
    };
    const gen = new FlowGenerator(market, new Rng(1234).fork('flow'));
    // Scripted market liquidations are public trades too: the invariant must hold through them.
    for (let i = 0; i < 10; i++) {
      gen.generate(10_000);
      const victim = market.traders.find((t) => t.kind === 'trader' && t.positions.some(Boolean) && t.index % 10 === i);
      const c = victim?.positions.findIndex(Boolean) ?? -1;
      if (victim && c >= 0) market.marketLiquidate(victim, c, market.hlp);
    }
    expect(market.totalTrades).toBeGreaterThanOrEqual(100_000);
    expect(messages).toBeLessThan(market.totalTrades); // several trades per message
    expect(mismatches(market, addresses, start, deltas, view)).toEqual([]);

    const dirs = new Set(market.traders.flatMap((t) => t.fills.toArray().map((f) => f.dir)));
    expect([...dirs].sort()).toEqual(['Close Long', 'Close Short', 'Long > Short', 'Open Long', 'Open Short', 'Short > Long']);
  });

  it('breaks exactly where a scripted event changes a position with no public trade', () => {
    const market = new Market({ seed: 7, traders: 60 });
    const view = (addr: string) => positionsOf(market, clearinghouseStateView(market, market.trader(addr)) as unknown as StateBody);
    const addresses = market.traders.map((t) => t.address);
    const start = new Map(addresses.map((a) => [a, view(a)]));
    const deltas = new Map<string, number>();
    market.onTrades = (_c, trades) => accumulate(market, deltas, trades.map((t) => JSON.parse(market.tradeJson(t)) as WsTrade));
    new FlowGenerator(market, new Rng(7).fork('flow')).generate(20_000);
    expect(mismatches(market, addresses, start, deltas, view)).toEqual([]);

    const holders = market.traders.filter((t) => t.kind === 'trader' && t.positions.some(Boolean));
    const [x, y, z] = holders;
    const cx = x.positions.findIndex(Boolean);
    const cy = y.positions.findIndex(Boolean);
    market.backstopLiquidate(x, cx, market.hlp); // x flat, HLP takes the position: no trade
    market.adl(y, cy, 1, '0x' + 'd'.repeat(40)); // one unit off y: no trade
    market.setPosition(z, 0, 12_345, 30_000); // z's BTC set directly
    const broken = mismatches(market, addresses, start, deltas, view).map((m) => m.split(':')[0]).sort();
    const expected = [`${x.address} ${market.coins[cx].name}`, `${market.hlp.address} ${market.coins[cx].name}`, `${y.address} ${market.coins[cy].name}`];
    if ((start.get(z.address)?.get('BTC') ?? 0) + (deltas.get(`${z.address}|BTC`) ?? 0) !== 12_345) expected.push(`${z.address} BTC`);
    expect(broken).toEqual(expected.sort());
  });

  describe('over the wire', () => {
    let sim: SimulatorHandle;
    beforeAll(async () => {
      sim = await startSimulator({ seed: 99, traders: 80, weightPerMinute: 1_000_000, replayCount: 0 });
    });
    afterAll(() => sim.close());

    it('holds for trades received on the WebSocket vs /info clearinghouseState', async () => {
      const market = new Market({ seed: 99, traders: 80 }); // same coin specs, for parsing
      const addresses = sim.control.traders();
      const before = await postInfo<StateBody[]>(sim.infoUrl, { type: 'batchClearinghouseStates', users: addresses });
      const start = new Map(addresses.map((a, i) => [a, positionsOf(market, before.body[i])]));

      const ws = await WsProbe.connect(sim.wsUrl);
      try {
        for (const spec of market.coins) await ws.subscribe({ type: 'trades', coin: spec.name });
        await simPost(sim.httpUrl, 'set-trade-rate', { tradesPerSecond: 4000 });
        await waitFor(() => sim.control.stats().trades.total >= 3000, 10_000, 10, '3000 generated trades');
        await simPost(sim.httpUrl, 'set-trade-rate', { tradesPerSecond: 0 });
        const total = sim.control.stats().trades.total;
        await waitFor(() => ws.trades().length === total, 10_000, 10, 'every trade on the socket');

        const seen = new Set<string>();
        for (const t of ws.trades()) {
          const key = `${t.coin}|${t.tid}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
        const deltas = new Map<string, number>();
        accumulate(market, deltas, ws.trades());
        const after = await postInfo<StateBody[]>(sim.infoUrl, { type: 'batchClearinghouseStates', users: addresses });
        const now = new Map(addresses.map((a, i) => [a, positionsOf(market, after.body[i])]));
        expect(mismatches(market, addresses, start, deltas, (a) => now.get(a)!)).toEqual([]);
      } finally {
        ws.close();
      }
    });
  });
});
