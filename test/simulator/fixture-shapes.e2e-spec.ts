import { HLP_ADDRESS, startSimulator, type SimulatorHandle } from '../../src/simulator';
import { fixture, postInfo, shapeDiff, WsProbe, type ShapeOptions } from './helpers';

/** Fields PROTOCOL.md calls optional or new (old recordings lack them, new answers carry them). */
const FILL_OPTIONAL = ['liquidation', 'builderFee', 'cloid', 'tid', 'feeToken', 'twapId'];
const STATE_OPTIONAL = ['time', 'maxLeverage', 'cumFunding'];
/** marginTableId, marginTables, collateralToken: the exchange serves them (the SDK declares them), the old recording lacks them. */
const META_OPTIONAL = ['isDelisted', 'onlyIsolated', 'marginTableId', 'marginTables', 'collateralToken'];

describe('simulator answers have the shapes of the recorded exchange answers', () => {
  let sim: SimulatorHandle;
  let trader: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, traders: 60 });
    sim.control.generate(4000);
    sim.control.applyFunding();
    // An active trader that holds positions (so every nested field is present).
    const truth = sim.control.truth().filter((t) => t.kind === 'trader' && t.positions.length > 0);
    truth.sort((a, b) => b.tradesCount - a.tradesCount);
    trader = truth[0].address;
    sim.control.liquidate({ user: truth[1].address, method: 'market' });
  });

  afterAll(() => sim.close());

  const expectShape = (actual: unknown, expected: unknown, opts?: ShapeOptions) => {
    expect(shapeDiff(actual, expected, opts)).toEqual([]);
  };

  it('meta', async () => {
    const r = await postInfo(sim.infoUrl, fixture('info/meta.request.json'));
    expect(r.status).toBe(200);
    expectShape(r.body, fixture('info/meta.json'), { optional: META_OPTIONAL });
    const universe = (r.body as { universe: Array<Record<string, unknown>> }).universe;
    expect(universe.every((u) => u.marginTableId === u.maxLeverage)).toBe(true);
    const withoutTable = universe.map((u) => Object.fromEntries(Object.entries(u).filter(([k]) => k !== 'marginTableId')));
    expect(withoutTable).toEqual((fixture('info/meta.json') as { universe: unknown[] }).universe);
  });

  it('metaAndAssetCtxs', async () => {
    const r = await postInfo<[unknown, unknown[]]>(sim.infoUrl, { type: 'metaAndAssetCtxs' });
    expect(r.status).toBe(200);
    expectShape(r.body[0], fixture('info/meta.json'), { optional: META_OPTIONAL });
    // No recorded fixture: the SDK's PerpAssetCtx type is the reference.
    const ctx = {
      funding: '0.0000125',
      openInterest: '1.0',
      prevDayPx: '1.0',
      dayNtlVlm: '1.0',
      premium: '0.0',
      oraclePx: '1.0',
      markPx: '1.0',
      midPx: '1.0',
      impactPxs: ['1.0', '1.0'],
      dayBaseVlm: '1.0',
    };
    expect(r.body[1]).toHaveLength(28);
    expectShape(r.body[1], [ctx]);
  });

  it('allMids', async () => {
    const r = await postInfo(sim.infoUrl, fixture('info/allMids.request.json'));
    expect(r.status).toBe(200);
    expectShape(r.body, fixture('info/allMids.json'), { records: ['$'] });
    expect(Object.keys(r.body as object).sort()).toEqual(Object.keys(fixture('info/allMids.json') as object).sort());
  });

  it('clearinghouseState (a trader, HLP, an unknown address)', async () => {
    const expected = fixture('info/clearinghouseState.json');
    for (const user of [trader, HLP_ADDRESS]) {
      const r = await postInfo<{ assetPositions: unknown[] }>(sim.infoUrl, { type: 'clearinghouseState', user });
      expect(r.status).toBe(200);
      expect(r.body.assetPositions.length).toBeGreaterThan(0);
      expectShape(r.body, expected, { optional: STATE_OPTIONAL, nullable: ['liquidationPx'] });
    }
    const empty = await postInfo(sim.infoUrl, { type: 'clearinghouseState', user: '0x' + '1'.repeat(40) });
    expectShape(empty.body, expected);
  });

  it('batchClearinghouseStates', async () => {
    const r = await postInfo<unknown[]>(sim.infoUrl, { type: 'batchClearinghouseStates', users: [trader, HLP_ADDRESS] });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expectShape(r.body, [fixture('info/clearinghouseState.json')], { optional: STATE_OPTIONAL, nullable: ['liquidationPx'] });
  });

  it('userFills (current shape and the 2023 recording)', async () => {
    const r = await postInfo<unknown[]>(sim.infoUrl, { type: 'userFills', user: trader });
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThan(10);
    const current = fixture<unknown[]>('info/userFills.current.json');
    expectShape(r.body, current, { optional: ['liquidation'], nullable: ['twapId'] });
    expectShape(r.body, fixture('info/userFills.json'), { optional: FILL_OPTIONAL });
  });

  it('userFills of a liquidated user carry the liquidation object of the recorded fill', async () => {
    const liquidated = sim.control.truth().find((t) => t.tradesCount > 0 && t.positions.length === 0);
    const users = sim.control.traders();
    let found: Record<string, unknown> | undefined;
    for (const user of [liquidated?.address, ...users].filter(Boolean) as string[]) {
      const r = await postInfo<Array<Record<string, unknown>>>(sim.infoUrl, { type: 'userFills', user });
      found = r.body.find((f) => f.liquidation);
      if (found) break;
    }
    expect(found).toBeDefined();
    const recorded = fixture<{ data: { fills: unknown[] } }>('ws/userEvents.fillWithLiquidation.json').data.fills[0];
    expectShape(found, recorded, { optional: ['cloid'] });
  });

  it('userFillsByTime', async () => {
    const r = await postInfo<unknown[]>(sim.infoUrl, { type: 'userFillsByTime', user: trader, startTime: 0 });
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThan(10);
    expectShape(r.body, fixture('info/userFills.current.json'), { optional: ['liquidation'], nullable: ['twapId'] });
  });

  it('portfolio', async () => {
    const r = await postInfo<Array<[string, unknown]>>(sim.infoUrl, { type: 'portfolio', user: trader });
    expect(r.status).toBe(200);
    const expected = fixture<Array<[string, unknown]>>('info/portfolio.json');
    expect(r.body.map((p) => p[0])).toEqual(expected.map((p) => p[0]));
    expectShape(r.body, expected);
    const unknownUser = await postInfo(sim.infoUrl, { type: 'portfolio', user: '0x' + '2'.repeat(40) });
    expectShape(unknownUser.body, expected);
  });

  it('userFunding', async () => {
    const r = await postInfo<unknown[]>(sim.infoUrl, { type: 'userFunding', user: HLP_ADDRESS, startTime: 0 });
    expect(r.status).toBe(200);
    expect(r.body.length).toBeGreaterThan(0);
    expectShape(r.body, fixture('info/userFunding.json'));
  });

  it('userRole', async () => {
    const r = await postInfo(sim.infoUrl, { type: 'userRole', user: HLP_ADDRESS });
    expect(r.body).toEqual(fixture('info/userRole.json'));
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: trader })).body).toEqual({ role: 'user' });
    expect((await postInfo(sim.infoUrl, { type: 'userRole', user: '0x' + '3'.repeat(40) })).body).toEqual({ role: 'missing' });
  });

  it('rejects unknown types with 422 and bad JSON with 400', async () => {
    expect((await postInfo(sim.infoUrl, { type: 'noSuchThing' })).status).toBe(422);
    expect((await postInfo(sim.infoUrl, { type: 'clearinghouseState', user: 'nope' })).status).toBe(422);
    expect((await postInfo(sim.infoUrl, { type: 'userFillsByTime', user: trader })).status).toBe(422);
    expect((await postInfo(sim.infoUrl, '{"type": ')).status).toBe(400);
  });

  it('WebSocket frames: greeting, ack, trades, pong, allMids', async () => {
    const ws = await WsProbe.connect(sim.wsUrl);
    try {
      expect(ws.frames[0].text).toBe('Websocket connection established.');
      const req = fixture<{ subscription: Record<string, unknown> }>('ws/subscribe.trades.request.json');
      const ack = await ws.subscribe(req.subscription);
      expect(ack.json).toEqual(fixture('ws/subscriptionResponse.trades.json'));
      const replay = await ws.next((f) => f.json?.channel === 'trades');
      expectShape(replay.json, fixture('ws/trades.json'));
      sim.control.trade({ coin: 'SOL', buyer: trader, seller: HLP_ADDRESS, sz: '1.5' });
      const live = await ws.next((f) => f.json?.channel === 'trades' && f.json.data[0].users[0] === trader);
      expectShape(live.json, fixture('ws/trades.json'));
      ws.send(fixture('ws/ping.request.json'));
      expect((await ws.next((f) => f.json?.channel === 'pong')).json).toEqual(fixture('ws/pong.json'));
      await ws.subscribe({ type: 'allMids' });
      const mids = await ws.next((f) => f.json?.channel === 'allMids');
      expectShape(mids.json, fixture('ws/allMids.sample.json'), { records: ['$.data.mids'] });
    } finally {
      ws.close();
    }
  });
});
