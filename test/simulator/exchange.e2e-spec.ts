import { ExchangeClient, HttpTransport, InfoClient, WebSocketTransport } from '@nktkas/hyperliquid';
import WebSocket from 'ws';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import * as v from 'valibot';
import { HLP_ADDRESS, startSimulator, type SimulatorHandle } from '../../src/simulator';
import { simPost, WsProbe } from './helpers';
import { waitFor } from '../support/wait';
import { sdkSigning } from '../../src/simulator/exchange-sdk';
import { ExchangeSchemas, InfoSchemas } from './exchange-response-schemas';

type Hex = `0x${string}`;

/** The SDK's ExchangeClient, unmodified, against the simulator's /exchange over real HTTP. */
describe('simulator /exchange with the SDK ExchangeClient', () => {
  let sim: SimulatorHandle;
  let transport: HttpTransport;
  let info: InfoClient;
  const masterKey = generatePrivateKey();
  const master = privateKeyToAccount(masterKey).address.toLowerCase() as Hex;
  const agentKey = generatePrivateKey();
  const agent = privateKeyToAccount(agentKey).address.toLowerCase() as Hex;
  const asAgent = () => new ExchangeClient({ transport, wallet: privateKeyToAccount(agentKey) });
  const cloid = (n: number): Hex => `0x${(BigInt(n) * 0x9e3779b97f4a7c15n + 0x1234567890abcdefn).toString(16).padStart(32, 'a').slice(-32)}`;
  const ioc = (a: number, b: boolean, p: string, s: string, c?: Hex, r = false) => ({ a, b, p, s, r, t: { limit: { tif: 'Ioc' as const } }, c });
  /** The raw answer: the SDK throws ApiRequestError for any error status, with the answer in `.response`. */
  const answer = async (p: Promise<unknown>): Promise<any> => p.catch((e: { name?: string; response?: unknown }) => {
    if (e?.name !== 'ApiRequestError') throw e;
    return e.response;
  });
  const statuses = (r: any): any[] => r.response.data.statuses;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, traders: 20, coins: ['BTC', 'ETH', 'SOL'] });
    transport = new HttpTransport({ apiUrl: sim.httpUrl });
    info = new InfoClient({ transport });
    sim.control.setPosition({ user: master, coin: 'ETH', szi: '0' }); // creates the account with 10,000 USDC
  });
  afterAll(() => sim.close());

  it('an unapproved agent is refused with the recovered address', async () => {
    const r = await answer(asAgent().order({ orders: [ioc(1, true, '2000', '0.01')], grouping: 'na' }));
    expect(r).toEqual({ status: 'err', response: `User or API Wallet ${agent} does not exist.` });
    expect(v.is(ExchangeSchemas.error, r)).toBe(true);
  });

  it('approveAgent by the master; userRole and extraAgents see it', async () => {
    const owner = new ExchangeClient({ transport, wallet: privateKeyToAccount(masterKey) });
    const r = await owner.approveAgent({ agentAddress: agent, agentName: 'copy' });
    expect(r).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(v.is(ExchangeSchemas.default, r)).toBe(true);
    expect(await info.userRole({ user: agent })).toEqual({ role: 'agent', data: { user: master } });
    const agents = await info.extraAgents({ user: master });
    expect(agents).toEqual([{ name: 'copy', address: agent, validUntil: expect.any(Number) }]);
    expect(v.is(InfoSchemas.extraAgents, agents)).toBe(true);
  });

  it('a signature over other content recovers another address (never trusted from the body)', async () => {
    const account = privateKeyToAccount(agentKey);
    const body = {
      action: { type: 'updateLeverage', asset: 1, isCross: true, leverage: 3 },
      nonce: Date.now(),
      // signed over leverage 4, sent with 3
      signature: await sdkSigning.signL1Action({
        wallet: account,
        action: { type: 'updateLeverage', asset: 1, isCross: true, leverage: 4 },
        nonce: Date.now(),
      }),
    };
    const res = await fetch(`${sim.httpUrl}/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { status: string; response: string };
    expect(json.status).toBe('err');
    expect(json.response).toMatch(/^User or API Wallet 0x[0-9a-f]{40} does not exist\.$/);
    expect(json.response).not.toContain(agent);
  });

  it('an IOC signed by the agent trades the master: clearinghouseState, userFills with cloid, public trades', async () => {
    const ws = await WsProbe.connect(sim.wsUrl);
    try {
      await ws.subscribe({ type: 'trades', coin: 'ETH' });
      const mid = Number((await info.allMids()).ETH);
      const c = cloid(1);
      const r = await asAgent().order({ orders: [ioc(1, true, String(Math.round(mid * 1.01)), '0.5', c)], grouping: 'na' });
      expect(v.is(ExchangeSchemas.order, r)).toBe(true);
      const [st] = statuses(r);
      expect(st.filled).toEqual({ totalSz: '0.5', avgPx: expect.stringMatching(/^\d+(\.\d+)?$/), oid: expect.any(Number), cloid: c });
      const state = await info.clearinghouseState({ user: master });
      expect(state.assetPositions.map((p) => [p.position.coin, p.position.szi])).toEqual([['ETH', '0.5']]);
      const fills = await info.userFills({ user: master });
      expect(fills[0]).toMatchObject({ coin: 'ETH', side: 'B', sz: '0.5', oid: st.filled.oid, cloid: c, crossed: true, dir: 'Open Long' });
      const agentState = await info.clearinghouseState({ user: agent });
      expect(agentState.assetPositions).toEqual([]);
      await waitFor(() => ws.trades().some((t) => t.users[0] === master && t.users[1] === HLP_ADDRESS && t.sz === '0.5'), 5000, 10, 'the public trade');
      const status = await info.orderStatus({ user: master, oid: c });
      expect(status).toMatchObject({ status: 'order', order: { status: 'filled', order: { cloid: c, oid: st.filled.oid, origSz: '0.5', sz: '0.0' } } });
      expect(v.is(InfoSchemas.orderStatus, status)).toBe(true);
      expect(await info.orderStatus({ user: master, oid: cloid(999) })).toEqual({ status: 'unknownOid' });
      const limit = await info.userRateLimit({ user: master });
      expect(limit.nRequestsUsed).toBeGreaterThanOrEqual(1);
      expect(limit.nRequestsCap).toBe(10_000 + Math.floor(Number(limit.cumVlm)));
      expect(Number(limit.cumVlm)).toBeGreaterThan(0);
      expect(v.is(InfoSchemas.userRateLimit, limit)).toBe(true);
      expect(sim.control.exchangeOrders(master).map((o) => o.cloid)).toContain(c);
    } finally {
      ws.close();
    }
  });

  it('refuses off-grid prices and sizes, under-$10 and growing reduce-only orders with the exchange texts', async () => {
    const mid = Number((await info.allMids()).ETH);
    const px = String(Math.round(mid * 1.01));
    const r = await answer(
      asAgent().order({
        orders: [
          ioc(1, true, `${Math.round(mid)}.123`, '0.1'), // 3 decimals > 6 − szDecimals(4)
          ioc(1, true, px, '0.00001'), // 5 decimals > szDecimals
          ioc(1, true, px, '0.001'), // ~$2
          ioc(1, true, px, '0.1', undefined, true), // long already: reduce-only buy grows it
          ioc(1, false, String(Math.round(mid * 0.9)), '0.1', undefined, true), // reduce-only sell: fine
        ],
        grouping: 'na',
      }),
    );
    expect(v.is(ExchangeSchemas.order, r)).toBe(true);
    const s = statuses(r);
    expect(s.slice(0, 4)).toEqual([
      { error: 'Price must be divisible by tick size. asset=1' },
      { error: 'Order has invalid size. asset=1' },
      { error: 'Order must have minimum value of $10. asset=1' },
      { error: 'Reduce only order would increase position. asset=1' },
    ]);
    expect(s[4].filled.totalSz).toBe('0.1');
    const limit = sim.control.stats().exchange;
    expect(limit.byAction.order).toBeGreaterThanOrEqual(2);
  });

  it('an IOC that finds nothing to match, and margin beyond the account', async () => {
    const mid = Number((await info.allMids()).ETH);
    const [noMatch] = statuses(await answer(asAgent().order({ orders: [ioc(1, true, String(Math.round(mid * 0.99)), '0.1')], grouping: 'na' })));
    expect(noMatch).toEqual({ error: 'Order could not immediately match against any resting orders. asset=1' });
    const [margin] = statuses(await answer(asAgent().order({ orders: [ioc(1, true, String(Math.round(mid * 1.01)), '100')], grouping: 'na' })));
    expect(margin).toEqual({ error: 'Insufficient margin to place order. asset=1' });
    // with more money the same order goes through (then back to the old balance)
    const cash = (await info.clearinghouseState({ user: master })).marginSummary.accountValue;
    expect(Number(sim.control.setBalance({ user: master, usd: 10_000_000 }))).toBeGreaterThan(9_000_000);
    const [ok] = statuses(await answer(asAgent().order({ orders: [ioc(1, true, String(Math.round(mid * 1.01)), '100')], grouping: 'na' })));
    expect(ok.filled.totalSz).toBe('100.0');
    await asAgent().order({ orders: [ioc(1, false, String(Math.round(mid * 0.99)), '100', undefined, true)], grouping: 'na' });
    sim.control.setBalance({ user: master, usd: Number(cash) });
  });

  it('Gtc rests, cancelByCloid cancels it; Alo that would cross is refused', async () => {
    const mid = Number((await info.allMids()).ETH);
    const c = cloid(2);
    const r = await asAgent().order({ orders: [{ a: 1, b: true, p: String(Math.round(mid * 0.95)), s: '0.1', r: false, t: { limit: { tif: 'Gtc' } }, c }], grouping: 'na' });
    expect(statuses(r)[0]).toEqual({ resting: { oid: expect.any(Number), cloid: c } });
    expect(await info.orderStatus({ user: master, oid: c })).toMatchObject({ order: { status: 'open', order: { sz: '0.1', tif: 'Gtc' } } });
    const cancel = await asAgent().cancelByCloid({ cancels: [{ asset: 1, cloid: c }] });
    expect(cancel).toEqual({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
    expect(v.is(ExchangeSchemas.cancel, cancel)).toBe(true);
    expect(await info.orderStatus({ user: master, oid: c })).toMatchObject({ order: { status: 'canceled' } });
    const again = await answer(asAgent().cancelByCloid({ cancels: [{ asset: 1, cloid: c }] }));
    expect(statuses(again)[0]).toEqual({ error: 'Order was never placed, already canceled, or filled. asset=1' });
    const [alo] = statuses(await answer(asAgent().order({ orders: [{ a: 1, b: true, p: String(Math.round(mid * 1.01)), s: '0.1', r: false, t: { limit: { tif: 'Alo' } } }], grouping: 'na' })));
    expect(alo.error).toMatch(/^Post only order would have immediately matched, bbo was [\d.]+@[\d.]+\. asset=1$/);
  });

  it('a resting Gtc fills as the maker when the mark moves through it', async () => {
    const mid = Number((await info.allMids()).BTC);
    const c = cloid(5);
    const px = String(Math.round(mid * 0.98));
    const r = await asAgent().order({ orders: [{ a: 0, b: true, p: px, s: '0.001', r: false, t: { limit: { tif: 'Gtc' } }, c }], grouping: 'na' });
    const oid = statuses(r)[0].resting.oid;
    sim.control.setMid({ coin: 'BTC', px: mid * 0.97 });
    expect(await info.orderStatus({ user: master, oid })).toMatchObject({ order: { status: 'filled', order: { cloid: c } } });
    const fill = (await info.userFills({ user: master })).find((f) => f.oid === oid);
    expect(fill).toMatchObject({ coin: 'BTC', sz: '0.001', side: 'B', crossed: false, cloid: c });
    expect(Number(fill!.px)).toBe(Number(px)); // the maker gets its limit
    expect(sim.control.position(master, 'BTC')?.szi).toBe('0.001');
    sim.control.setMid({ coin: 'BTC', px: mid });
  });

  it('cancel by oid; an expired action (expiresAfter) is refused', async () => {
    const mid = Number((await info.allMids()).ETH);
    const r = await asAgent().order({ orders: [{ a: 1, b: false, p: String(Math.round(mid * 1.05)), s: '0.1', r: false, t: { limit: { tif: 'Gtc' } } }], grouping: 'na' });
    const oid = statuses(r)[0].resting.oid;
    expect(await asAgent().cancel({ cancels: [{ a: 1, o: oid }] })).toEqual({ status: 'ok', response: { type: 'cancel', data: { statuses: ['success'] } } });
    expect(await info.orderStatus({ user: master, oid })).toMatchObject({ order: { status: 'canceled', order: { cloid: null } } });
    const expired = new ExchangeClient({ transport, wallet: privateKeyToAccount(agentKey), defaultExpiresAfter: Date.now() - 1000 });
    const e = await answer(expired.updateLeverage({ asset: 1, isCross: true, leverage: 3 }));
    expect(e.status).toBe('err');
    expect(e.response).toMatch(/^Action expired/);
  });

  it('updateLeverage: within the max is ok and shows in clearinghouseState; above it is refused', async () => {
    expect(await asAgent().updateLeverage({ asset: 1, isCross: true, leverage: 3 })).toEqual({ status: 'ok', response: { type: 'default' } });
    const state = await info.clearinghouseState({ user: master });
    expect(state.assetPositions.find((p) => p.position.coin === 'ETH')!.position.leverage).toEqual({ type: 'cross', value: 3 });
    const r = await answer(asAgent().updateLeverage({ asset: 1, isCross: true, leverage: 51 }));
    expect(r).toEqual({ status: 'err', response: 'Invalid leverage value' });
  });

  it('nonces: a duplicate and one far in the past are refused', async () => {
    const nonce = Date.now() + 5000;
    const fixed = new ExchangeClient({ transport, wallet: privateKeyToAccount(agentKey), nonceManager: () => nonce });
    await fixed.updateLeverage({ asset: 1, isCross: true, leverage: 3 });
    expect(await answer(fixed.updateLeverage({ asset: 1, isCross: true, leverage: 3 }))).toEqual({ status: 'err', response: `Invalid nonce: duplicate nonce ${nonce}` });
    const old = new ExchangeClient({ transport, wallet: privateKeyToAccount(agentKey), nonceManager: () => Date.now() - 3 * 86_400_000 });
    const r = await answer(old.updateLeverage({ asset: 1, isCross: true, leverage: 3 }));
    expect(r.status).toBe('err');
    expect(r.response).toMatch(/^Invalid nonce/);
  });

  it('knobs: 429 and 500 before executing, 500 after executing, delay, partial depth', async () => {
    const mid = Number((await info.allMids()).SOL);
    const px = String(Math.round(mid * 1.02 * 100) / 100);
    const before = sim.control.position(master, 'SOL')?.szi ?? '0';
    await simPost(sim.httpUrl, 'fail-exchange', { status: 429, count: 1 });
    await expect(asAgent().order({ orders: [ioc(2, true, px, '1')], grouping: 'na' })).rejects.toThrow(/429/);
    sim.control.failExchange({ status: 500, count: 1 });
    await expect(asAgent().order({ orders: [ioc(2, true, px, '1')], grouping: 'na' })).rejects.toThrow(/500/);
    expect(sim.control.position(master, 'SOL')?.szi ?? '0').toBe(before);
    const c = cloid(3);
    sim.control.failExchange({ status: 500, count: 1, afterExecute: true });
    await expect(asAgent().order({ orders: [ioc(2, true, px, '1', c)], grouping: 'na' })).rejects.toThrow(/500/);
    expect(await info.orderStatus({ user: master, oid: c })).toMatchObject({ order: { status: 'filled' } });
    sim.control.slowExchange({ delayMs: 800 });
    const t0 = Date.now();
    await asAgent().updateLeverage({ asset: 2, isCross: true, leverage: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(750);
    sim.control.slowExchange({ delayMs: 0 });
    sim.control.setExchangeDepth({ coin: 'SOL', sz: '0.4', count: 1 });
    const partial = await asAgent().order({ orders: [ioc(2, true, px, '1', cloid(4))], grouping: 'na' });
    expect(statuses(partial)[0].filled.totalSz).toBe('0.4');
    expect(await info.orderStatus({ user: master, oid: cloid(4) })).toMatchObject({ order: { status: 'canceled', order: { origSz: '1.0', sz: '0.0' } } });
    const full = await asAgent().order({ orders: [ioc(2, true, px, '1')], grouping: 'na' });
    expect(statuses(full)[0].filled.totalSz).toBe('1.0');
    expect(sim.control.stats().exchange.injectedFailures).toBe(3);
  });

  it('an agent past its valid_until is unknown again', async () => {
    const shortKey = generatePrivateKey();
    const short = privateKeyToAccount(shortKey).address.toLowerCase() as Hex;
    const owner = new ExchangeClient({ transport, wallet: privateKeyToAccount(masterKey) });
    const validUntil = Date.now() + 300;
    await owner.approveAgent({ agentAddress: short, agentName: `brief valid_until ${validUntil}` });
    const agents = await info.extraAgents({ user: master });
    expect(agents.find((a) => a.address === short)).toEqual({ name: 'brief', address: short, validUntil });
    await waitFor(() => Date.now() > validUntil, 5000, 10, 'valid_until to pass');
    expect(await info.userRole({ user: short })).toEqual({ role: 'missing' });
    const late = new ExchangeClient({ transport, wallet: privateKeyToAccount(shortKey) });
    expect(await answer(late.updateLeverage({ asset: 1, isCross: true, leverage: 3 }))).toEqual({ status: 'err', response: `User or API Wallet ${short} does not exist.` });
  });

  it('a batch counts 1 + floor(n / 40) weight for the IP and n requests for the address; a used-up allowance refuses', async () => {
    const mid = Number((await info.allMids()).ETH);
    const used0 = (await info.userRateLimit({ user: master })).nRequestsUsed;
    const w0 = sim.control.stats().weight.totalConsumed;
    const orders = Array.from({ length: 41 }, () => ioc(1, true, String(Math.round(mid * 0.5)), '0.1')); // far below: refused
    await answer(asAgent().order({ orders, grouping: 'na' }));
    expect(sim.control.stats().weight.totalConsumed - w0).toBe(2);
    const limit = await info.userRateLimit({ user: master });
    expect(limit.nRequestsUsed).toBe(used0 + 41);
    sim.control.setRequestsUsed({ user: master, used: limit.nRequestsCap });
    await asAgent().updateLeverage({ asset: 1, isCross: true, leverage: 3 }); // one per 10 s still goes through
    const r = await answer(asAgent().updateLeverage({ asset: 1, isCross: true, leverage: 3 }));
    expect(r.status).toBe('err');
    expect(r.response).toMatch(/^Too many cumulative requests sent \(\d+ > \d+\) for cumulative volume traded \$[\d.]+\.$/);
    sim.control.setRequestsUsed({ user: master, used: 0 });
  });

  it('takes actions over the WebSocket post channel too (the SDK WebSocketTransport)', async () => {
    const wsTransport = new WebSocketTransport({ url: sim.wsUrl, reconnect: { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, maxRetries: 0 } });
    try {
      const overWs = new ExchangeClient({ transport: wsTransport, wallet: privateKeyToAccount(agentKey) });
      const mid = Number((await info.allMids()).ETH);
      const c = cloid(6);
      const r = await overWs.order({ orders: [ioc(1, false, String(Math.round(mid * 0.99)), '0.1', c)], grouping: 'na' });
      expect(statuses(r)[0].filled).toMatchObject({ totalSz: '0.1', cloid: c });
      expect(v.is(ExchangeSchemas.order, r)).toBe(true);
      const refused = await answer(overWs.updateLeverage({ asset: 1, isCross: true, leverage: 99 }));
      expect(refused).toEqual({ status: 'err', response: 'Invalid leverage value' });
    } finally {
      await wsTransport.close();
    }
  });

  it('counts exchange weight per request and refuses unparseable bodies with 422', async () => {
    const res = await fetch(`${sim.httpUrl}/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":{"type":"order"}}' });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/^Failed to deserialize the JSON body into the target type/);
    const w0 = sim.control.stats().weight.totalConsumed;
    await asAgent().updateLeverage({ asset: 1, isCross: true, leverage: 3 });
    expect(sim.control.stats().weight.totalConsumed - w0).toBe(1);
  });
});
