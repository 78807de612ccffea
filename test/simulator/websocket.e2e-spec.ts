import { HLP_ADDRESS, startSimulator, type SimulatorHandle } from '../../src/simulator';
import { WsProbe } from './helpers';
import { waitFor } from '../support/wait';

describe('WebSocket /ws', () => {
  let sim: SimulatorHandle;
  let a: string;
  let b: string;
  const probes: WsProbe[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const p = await WsProbe.connect(sim.wsUrl, headers);
    probes.push(p);
    return p;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 8, traders: 40, idleTimeoutMs: 600, maxConnections: 3, maxSubscriptions: 5, replayCount: 4 });
    [a, b] = sim.control.traders().slice(10, 12);
  });
  afterEach(() => {
    for (const p of probes.splice(0)) p.close();
  });
  afterAll(() => sim.close());

  it('greets with a plain-text frame, then acks subscriptions with the echoed subscription', async () => {
    const ws = await connect();
    expect(ws.frames[0]).toMatchObject({ text: 'Websocket connection established.', json: undefined });
    const ack = await ws.subscribe({ type: 'trades', coin: 'ETH' });
    expect(ack.json).toEqual({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: { type: 'trades', coin: 'ETH' } } });
  });

  it('reports duplicate subscriptions, unknown unsubscriptions and garbage as errors', async () => {
    const ws = await connect();
    await ws.subscribe({ type: 'trades', coin: 'BTC' });
    ws.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    expect((await ws.next((f) => f.json?.channel === 'error')).json.data).toBe('Already subscribed: {"type":"trades","coin":"BTC"}');
    const n = ws.frames.length;
    ws.send({ method: 'unsubscribe', subscription: { type: 'trades', coin: 'SOL' } });
    expect((await ws.next((f) => f.json?.channel === 'error', 3000, n)).json.data).toBe('Already unsubscribed: {"type":"trades","coin":"SOL"}');
    const m = ws.frames.length;
    ws.send('hello?');
    expect((await ws.next((f) => f.json?.channel === 'error', 3000, m)).json.data).toMatch(/^Error parsing JSON into valid websocket request/);
    const k = ws.frames.length;
    ws.send({ method: 'unsubscribe', subscription: { type: 'trades', coin: 'BTC' } });
    expect((await ws.next((f) => f.json?.channel === 'subscriptionResponse', 3000, k)).json.data.method).toBe('unsubscribe');
  });

  it('answers ping with pong', async () => {
    const ws = await connect();
    ws.send({ method: 'ping' });
    expect((await ws.next((f) => f.json?.channel === 'pong')).text).toBe('{"channel":"pong"}');
  });

  it('closes a connection that sent nothing for idleTimeoutMs with code 1000', async () => {
    const ws = await connect();
    const t0 = Date.now();
    const { code } = await ws.closed;
    expect(code).toBe(1000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });

  it('keeps a pinging connection open past the idle timeout', async () => {
    const ws = await connect();
    let closed = false;
    void ws.closed.then(() => (closed = true));
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      ws.send({ method: 'ping' });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(closed).toBe(false);
    expect(ws.frames.filter((f) => f.json?.channel === 'pong').length).toBeGreaterThanOrEqual(5);
  });

  it('limits connections per client and subscriptions per connection', async () => {
    const mine = await Promise.all([0, 1, 2].map(() => connect({ 'x-sim-client': 'limited' })));
    await expect(WsProbe.connect(sim.wsUrl, { 'x-sim-client': 'limited' })).rejects.toThrow(/429/);
    expect(sim.control.stats().ws.connectionsRejected).toBeGreaterThanOrEqual(1);
    mine[0].close();
    await waitFor(() => sim.control.stats().ws.connections === 2, 3000, 10, 'the close to register');
    await connect({ 'x-sim-client': 'limited' }); // a slot is free again

    const ws = mine[1];
    for (const coin of ['BTC', 'ETH', 'SOL', 'DOGE', 'XRP']) await ws.subscribe({ type: 'trades', coin });
    const n = ws.frames.length;
    ws.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'ARB' } });
    expect((await ws.next((f) => f.json?.channel === 'error', 3000, n)).json.data).toBe('Cannot subscribe to more than 5 channels.');
  });

  it('sends trades with users [buyer, seller] and the taker side, replays recent trades after subscribing', async () => {
    const ws = await connect();
    await ws.subscribe({ type: 'trades', coin: 'LINK' });
    const t1 = sim.control.trade({ coin: 'LINK', buyer: a, seller: b, sz: '10', takerSide: 'A' });
    const live = await ws.next((f) => f.json?.channel === 'trades');
    expect(live.json.data).toEqual([t1]);
    expect(t1).toMatchObject({ coin: 'LINK', side: 'A', sz: '10.0', users: [a, b] });
    for (let i = 0; i < 5; i++) sim.control.trade({ coin: 'LINK', buyer: b, seller: a, sz: '1' });

    const late = await connect();
    await late.subscribe({ type: 'trades', coin: 'LINK' });
    const replay = await late.next((f) => f.json?.channel === 'trades');
    expect(replay.json.data).toHaveLength(4);
    const tids = replay.json.data.map((t: { tid: number }) => t.tid);
    expect(tids).toEqual([...tids].sort((x: number, y: number) => x - y));
  });

  it('batches several trades of one coin per message, with strictly increasing tids per coin', async () => {
    const ws = await connect();
    for (const coin of ['BTC', 'ETH']) await ws.subscribe({ type: 'trades', coin });
    const from = ws.frames.length;
    const sentBefore = sim.control.stats().ws.tradesSent;
    sim.control.generate(2000);
    const sent = sim.control.stats().ws.tradesSent - sentBefore;
    expect(sent).toBeGreaterThan(100);
    await waitFor(() => ws.trades().length === sent, 3000, 10, 'every BTC/ETH trade');
    const msgs = ws.frames.slice(from).filter((f) => f.json?.channel === 'trades').map((f) => f.json.data as Array<{ coin: string; tid: number; hash: string; users: string[] }>);
    expect(msgs.some((m) => m.length > 1)).toBe(true);
    for (const m of msgs) {
      expect(new Set(m.map((t) => t.coin)).size).toBe(1);
      expect(m.length).toBeLessThanOrEqual(5);
    }
    for (const coin of ['BTC', 'ETH']) {
      const tids = msgs.flat().filter((t) => t.coin === coin).map((t) => t.tid);
      for (let i = 1; i < tids.length; i++) expect(tids[i]).toBeGreaterThan(tids[i - 1]);
    }
    const all = msgs.flat();
    const withLp = all.filter((t) => t.users.includes(HLP_ADDRESS));
    expect(withLp.length).toBeGreaterThan(0);
    for (const t of all) {
      expect(t.hash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(t.users[0]).not.toBe(t.users[1]);
    }
  });

  it('serves allMids and info posts over the socket', async () => {
    const ws = await connect();
    await ws.subscribe({ type: 'allMids' });
    const mids = await ws.next((f) => f.json?.channel === 'allMids');
    expect(Object.keys(mids.json.data.mids)).toContain('BTC');
    ws.send({ method: 'post', id: 7, request: { type: 'info', payload: { type: 'clearinghouseState', user: a } } });
    const post = await ws.next((f) => f.json?.channel === 'post');
    expect(post.json.data.id).toBe(7);
    expect(post.json.data.response.type).toBe('info');
    expect(post.json.data.response.payload.data.marginSummary.accountValue).toMatch(/^-?\d+\.\d+$/);
  });
});
