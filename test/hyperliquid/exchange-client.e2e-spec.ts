import { randomBytes } from 'crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ExchangeOutcomeUnknownError,
  ExchangeRateLimitedError,
  HyperliquidExchangeClient,
  type Hex,
  type OrderParams,
  UnknownCoinError,
} from '../../src/hyperliquid/exchange.client';
import { HyperliquidInfoClient, type Priority, type WeightBudget } from '../../src/hyperliquid/info.client';
import { adversePrice, roundSize } from '../../src/hyperliquid/order-rounding';
import { RateBudget } from '../../src/rate-budget/rate-budget';
import { startSimulator, type SimulatorHandle } from '../../src/simulator';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The app's exchange client (SDK ExchangeClient + viem accounts + the shared Redis budget) against the simulator. */
describe('HyperliquidExchangeClient against the simulator', () => {
  let sim: SimulatorHandle;
  let redis: Redis;
  let budget: RateBudget;
  let info: HyperliquidInfoClient;
  let client: HyperliquidExchangeClient;
  const priorities: Priority[] = [];
  const ownerKey = generatePrivateKey();
  const master = privateKeyToAccount(ownerKey).address.toLowerCase() as Hex;
  const agentKey = generatePrivateKey();
  const agent = privateKeyToAccount(agentKey).address.toLowerCase() as Hex;
  const keyPrefix = `test:xbudget:${randomBytes(6).toString('hex')}`;
  const cloid = (): Hex => `0x${randomBytes(16).toString('hex')}`;

  /** The real budget, recording the priority of each exchange reservation. */
  const recording = (b: RateBudget): WeightBudget => ({
    reserve: (w, p, s) => {
      priorities.push(p ?? 'high');
      return b.reserve(w, p, s);
    },
    report429: () => b.report429(),
    reportSuccess: () => b.reportSuccess(),
  });

  const ioc = async (coin: string, isBuy: boolean, usd: number, extra: Partial<OrderParams> = {}): Promise<OrderParams> => {
    const { szDecimals } = await client.asset(coin);
    const mids = (await (await fetch(sim.infoUrl, { method: 'POST', body: '{"type":"allMids"}' })).json()) as Record<string, string>;
    const mid = Number(mids[coin]);
    return {
      coin,
      isBuy,
      price: adversePrice(mid * (isBuy ? 1.01 : 0.99), isBuy, szDecimals),
      size: roundSize(usd / mid, szDecimals),
      reduceOnly: false,
      tif: 'Ioc',
      cloid: cloid(),
      ...extra,
    };
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, traders: 10, coins: ['BTC', 'ETH', 'SOL'] });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    budget = new RateBudget(redis, { keyPrefix, weightPerMinute: 1200, backoffBaseMs: 200, backoffCapMs: 400 });
    info = new HyperliquidInfoClient(budget, { infoUrl: sim.infoUrl, maxAttempts: 1 });
    client = new HyperliquidExchangeClient(recording(budget), info, { apiUrl: sim.httpUrl, timeoutMs: 1500 });
    sim.control.setPosition({ user: master, coin: 'ETH', szi: '0' }); // a funded account (10,000 USDC)
  });
  afterAll(async () => {
    await sim.close();
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('maps coins from meta and refuses unknown ones', async () => {
    expect(await client.asset('ETH')).toEqual({ coin: 'ETH', asset: 1, szDecimals: 4, maxLeverage: 50 });
    await expect(client.asset('NOPE')).rejects.toBeInstanceOf(UnknownCoinError);
  });

  it('an unapproved agent is an action-level error; after approveAgent the agent trades the master', async () => {
    const before = await client.order(agentKey, master, await ioc('ETH', true, 100));
    expect(before).toEqual({ kind: 'error', message: `User or API Wallet ${agent} does not exist.`, actionRejected: true });
    expect(await client.approveAgent(ownerKey, agent, 'copy')).toEqual({ kind: 'ok' });
    expect(await info.userRole(agent)).toEqual({ role: 'agent', linkedUser: master });
    expect(await info.extraAgents(master)).toEqual([{ name: 'copy', address: agent, validUntil: expect.any(Number) }]);
    const params = await ioc('ETH', true, 100);
    const filled = await client.order(agentKey, master, params);
    expect(filled).toEqual({ kind: 'filled', oid: expect.any(Number), totalSz: params.size, avgPx: expect.any(String), cloid: params.cloid });
    expect(sim.control.position(master, 'ETH')?.szi).toBe(params.size);
    const status = await info.orderStatus(master, params.cloid!);
    expect(status).toMatchObject({ known: true, status: 'filled', cloid: params.cloid, origSz: params.size });
    expect(await info.orderStatus(master, cloid())).toEqual({ known: false });
    const limit = await info.userRateLimit(master);
    expect(limit.nRequestsUsed).toBe(2); // approveAgent and the order; the refused one never reached the master's allowance
    expect(limit.nRequestsCap).toBe(10_000 + Math.floor(Number(limit.cumVlm)));
  });

  it('order errors, resting orders, cancelByCloid, updateLeverage', async () => {
    const small = await client.order(agentKey, master, await ioc('ETH', true, 5));
    expect(small).toEqual({ kind: 'error', message: 'Order must have minimum value of $10. asset=1', actionRejected: false });
    const ro = await client.order(agentKey, master, await ioc('SOL', false, 50, { reduceOnly: true }));
    expect(ro).toEqual({ kind: 'error', message: 'Reduce only order would increase position. asset=2', actionRejected: false });
    const gtc = await ioc('ETH', true, 50, { tif: 'Gtc' });
    gtc.price = adversePrice(Number(gtc.price) * 0.9, false, 4);
    const resting = await client.order(agentKey, master, gtc);
    expect(resting).toEqual({ kind: 'resting', oid: expect.any(Number), cloid: gtc.cloid });
    expect(await client.cancelByCloid(agentKey, master, 'ETH', gtc.cloid!)).toEqual({ kind: 'ok' });
    expect(await client.cancelByCloid(agentKey, master, 'ETH', gtc.cloid!)).toMatchObject({ kind: 'error', actionRejected: false });
    expect(await client.updateLeverage(agentKey, master, 'ETH', 3, true)).toEqual({ kind: 'ok' });
    expect(await client.updateLeverage(agentKey, master, 'ETH', 99, true)).toEqual({ kind: 'error', message: 'Invalid leverage value', actionRejected: true });
    expect(priorities.every((p) => p === 'high')).toBe(true);
    expect(priorities.length).toBeGreaterThanOrEqual(8);
  });

  it('500 (before or after executing) and a timeout are "outcome unknown"; orderStatus resolves them', async () => {
    sim.control.failExchange({ status: 500, count: 1 });
    const notRun = await ioc('ETH', true, 50);
    await expect(client.order(agentKey, master, notRun)).rejects.toBeInstanceOf(ExchangeOutcomeUnknownError);
    expect(await info.orderStatus(master, notRun.cloid!)).toEqual({ known: false });
    sim.control.failExchange({ status: 500, count: 1, afterExecute: true });
    const ran = await ioc('ETH', true, 50);
    await expect(client.order(agentKey, master, ran)).rejects.toBeInstanceOf(ExchangeOutcomeUnknownError);
    expect(await info.orderStatus(master, ran.cloid!)).toMatchObject({ known: true, status: 'filled' });
    sim.control.slowExchange({ delayMs: 2500, forMs: 2000 });
    const late = await ioc('ETH', true, 50);
    await expect(client.order(agentKey, master, late)).rejects.toBeInstanceOf(ExchangeOutcomeUnknownError);
    sim.control.slowExchange({ delayMs: 0 });
    expect(await info.orderStatus(master, late.cloid!)).toMatchObject({ known: true, status: 'filled' });
    expect(sim.control.exchangeOrders(master).filter((o) => o.cloid === late.cloid)).toHaveLength(1);
  });

  it('429 is a rate-limited error and pauses the shared budget', async () => {
    sim.control.failExchange({ status: 429, count: 1 });
    const err = await client.order(agentKey, master, await ioc('ETH', true, 50)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExchangeRateLimitedError);
    const usage = await budget.usage();
    expect(usage.consecutive429).toBeGreaterThanOrEqual(1);
    expect(usage.pausedUntil).not.toBeNull();
  });

  it('a connection reset is "outcome unknown"', async () => {
    const server: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const broken = new HyperliquidExchangeClient(budget, info, { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      await expect(broken.order(agentKey, master, await ioc('ETH', true, 50))).rejects.toBeInstanceOf(ExchangeOutcomeUnknownError);
    } finally {
      server.close();
    }
  });
});
