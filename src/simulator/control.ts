import { formatPx, roundPx, type CoinSpec } from './coins';
import type { FlowGenerator } from './flow-generator';
import { accountValueOf } from './account';
import { formatUsd, parseScaled } from './format';
import type { ExchangeService } from './exchange-handler';
import type { InfoService } from './info-handler';
import type { Market } from './market';
import type { Rng } from './rng';
import { DEFAULT_BANKRUPT_ADDRESS, type TraderState } from './state';
import type { TradePump } from './trade-pump';
import type {
  AdlParams,
  DecimalInput,
  ExchangeDepthParams,
  ExchangeOrderReceived,
  FailExchangeParams,
  FailInfoParams,
  LiquidateParams,
  LiquidateResult,
  ResetParams,
  SendFrameParams,
  SetPositionParams,
  SetRoleParams,
  SimulatorControl,
  SimulatorStats,
  SlowInfoParams,
  TradeParams,
  TraderTruth,
  TruthPosition,
  UserRole,
  WireFill,
  WsTrade,
} from './types';
import { positionTruth, truthView, wireFill } from './views';
import type { WeightLimiter } from './weights';
import type { WsHub } from './ws-hub';

/** A control call with bad arguments (HTTP 400). */
export class ControlError extends Error {}

/** What the control needs from the running simulator. */
export interface SimulatorCore {
  market(): Market;
  generator(): FlowGenerator;
  fundingRng(): Rng;
  readonly hub: WsHub;
  readonly info: InfoService;
  readonly exchange: ExchangeService;
  readonly limiter: WeightLimiter;
  readonly pump: TradePump;
  readonly weightWindowMs: number;
  readonly startedAt: number;
  scriptedTrades: number;
  tradesPerSecond(): number;
  rebuild(params: ResetParams): void;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ROLES: readonly UserRole[] = ['user', 'vault', 'subAccount', 'agent', 'missing'];

function address(v: unknown, name: string): string {
  if (typeof v !== 'string' || !ADDRESS.test(v)) throw new ControlError(`${name} must be a 0x-prefixed 40-hex-digit address`);
  return v.toLowerCase();
}

function finite(v: unknown, name: string, min = -Infinity): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min) throw new ControlError(`${name} must be a number${min > -Infinity ? ` >= ${min}` : ''}`);
  return n;
}

function coinOf(market: Market, v: unknown): CoinSpec {
  const spec = typeof v === 'string' ? market.coin(v) : undefined;
  if (!spec) throw new ControlError(`coin must be one of ${market.coins.map((c) => c.name).join(', ')}`);
  return spec;
}

function sizeUnits(spec: CoinSpec, v: DecimalInput | undefined, name: string): number {
  const units = v === undefined ? NaN : parseScaled(v, spec.szDecimals);
  if (!Number.isFinite(units)) throw new ControlError(`${name} must be a decimal number`);
  return units;
}

function priceInt(spec: CoinSpec, v: DecimalInput, name: string): number {
  return roundPx(spec, finite(v, name, Number.MIN_VALUE));
}

function failure(p: FailInfoParams): { status: 429 | 500; count: number | undefined; forMs: number | undefined } {
  if (p.status !== 429 && p.status !== 500) throw new ControlError('status must be 429 or 500');
  const count = p.count === undefined ? undefined : Math.floor(finite(p.count, 'count', 0));
  const forMs = p.forMs === undefined ? undefined : finite(p.forMs, 'forMs', 0);
  return { status: p.status, count, forMs };
}

export class SimulatorControlImpl implements SimulatorControl {
  constructor(private readonly core: SimulatorCore) {}

  private known(market: Market, user: unknown): TraderState {
    const t = market.trader(address(user, 'user'));
    if (!t) throw new ControlError(`unknown user ${String(user)}`);
    return t;
  }

  trade(p: TradeParams): WsTrade {
    const m = this.core.market();
    const spec = coinOf(m, p.coin);
    const buyer = m.ensureTrader(address(p.buyer, 'buyer'));
    const seller = m.ensureTrader(address(p.seller, 'seller'));
    if (buyer === seller) throw new ControlError('buyer and seller must differ');
    const sz = sizeUnits(spec, p.sz, 'sz');
    if (sz <= 0) throw new ControlError(`sz must be at least one size unit (${1 / spec.szScale})`);
    const takerSide = p.takerSide ?? 'B';
    if (takerSide !== 'B' && takerSide !== 'A') throw new ControlError("takerSide must be 'B' or 'A'");
    const px = p.px === undefined ? m.markInts[spec.index] : priceInt(spec, p.px, 'px');
    const trade = m.executeTrade(spec.index, buyer, seller, sz, px, takerSide, m.newHashId(), m.now());
    m.publish(spec.index, [trade]);
    this.core.scriptedTrades++;
    return JSON.parse(m.tradeJson(trade)) as WsTrade;
  }

  setPosition(p: SetPositionParams): TruthPosition {
    const m = this.core.market();
    const spec = coinOf(m, p.coin);
    const t = m.ensureTrader(address(p.user, 'user'));
    const szi = sizeUnits(spec, p.szi, 'szi');
    const entry = p.entryPx === undefined ? m.marks[spec.index] : finite(p.entryPx, 'entryPx', Number.MIN_VALUE);
    m.setPosition(t, spec.index, szi, entry);
    return positionTruth(m, t, spec.index) ?? { coin: spec.name, szi: '0.0', entryPx: '0.0' };
  }

  liquidate(p: LiquidateParams): LiquidateResult {
    const m = this.core.market();
    const t = this.known(m, p.user);
    const method = p.method ?? 'backstop';
    if (method !== 'backstop' && method !== 'market') throw new ControlError("method must be 'backstop' or 'market'");
    let to = p.counterparty === undefined ? m.hlp : m.ensureTrader(address(p.counterparty, 'counterparty'));
    if (to === t) to = m.liquidityProviders.find((lp) => lp !== t)!;
    const coins = p.coin === undefined ? m.coins.filter((c) => t.positions[c.index]) : [coinOf(m, p.coin)];
    const fills: WireFill[] = [];
    const trades: WsTrade[] = [];
    for (const spec of coins) {
      if (method === 'backstop') {
        const f = m.backstopLiquidate(t, spec.index, to);
        if (f) fills.push(wireFill(m, f));
      } else {
        const r = m.marketLiquidate(t, spec.index, to);
        if (r) {
          fills.push(wireFill(m, r.fill));
          trades.push(JSON.parse(m.tradeJson(r.trade)) as WsTrade);
          this.core.scriptedTrades++;
        }
      }
    }
    return { fills, trades };
  }

  adl(p: AdlParams): WireFill {
    const m = this.core.market();
    const t = this.known(m, p.user);
    const spec = coinOf(m, p.coin);
    const units = sizeUnits(spec, p.sz, 'sz');
    if (units <= 0) throw new ControlError('sz must be positive');
    const bankrupt = p.liquidatedUser === undefined ? DEFAULT_BANKRUPT_ADDRESS : address(p.liquidatedUser, 'liquidatedUser');
    const fill = m.adl(t, spec.index, units, bankrupt);
    if (!fill) throw new ControlError(`${t.address} has no ${spec.name} position`);
    return wireFill(m, fill);
  }

  setTradeRate(tradesPerSecond: number): void {
    this.core.pump.setRate(finite(tradesPerSecond, 'tradesPerSecond', 0));
  }

  generate(count: number): number {
    const n = Math.floor(finite(count, 'count', 0));
    if (n > 5_000_000) throw new ControlError('count must be at most 5,000,000');
    return this.core.generator().generate(n);
  }

  dropAllSockets(opts?: { abrupt?: boolean }): number {
    return this.core.hub.dropAll(opts?.abrupt === true);
  }

  stallSockets(ms: number): number {
    return this.core.hub.stall(finite(ms, 'ms', 0));
  }

  sendMalformed(count: number): number {
    return this.core.hub.sendMalformed(Math.floor(finite(count, 'count', 0)));
  }

  sendFrame(p: SendFrameParams): number {
    if (p.frame === undefined) throw new ControlError('frame is required (a string sent as is, or a JSON value)');
    if (p.coin !== undefined && typeof p.coin !== 'string') throw new ControlError('coin must be a string');
    const frame = typeof p.frame === 'string' ? p.frame : JSON.stringify(p.frame);
    return this.core.hub.sendRaw(frame, p.coin);
  }

  failInfo(p: FailInfoParams): void {
    const f = failure(p);
    this.core.info.failNext(f.status, f.count, f.forMs, p.client);
  }

  slowInfo(p: SlowInfoParams): void {
    const forMs = p.forMs === undefined ? undefined : finite(p.forMs, 'forMs', 0);
    this.core.info.slowDown(finite(p.delayMs, 'delayMs', 0), forMs);
  }

  failExchange(p: FailExchangeParams): void {
    const f = failure(p);
    this.core.exchange.faults.failNext(f.status, f.count, f.forMs, p.client, p.afterExecute === true && f.status === 500);
  }

  slowExchange(p: SlowInfoParams): void {
    const forMs = p.forMs === undefined ? undefined : finite(p.forMs, 'forMs', 0);
    this.core.exchange.faults.slowDown(finite(p.delayMs, 'delayMs', 0), forMs);
  }

  setExchangeDepth(p: ExchangeDepthParams): void {
    const coin = p.coin === undefined ? undefined : coinOf(this.core.market(), p.coin).index;
    const sz = p.sz === undefined || p.sz === null ? undefined : finite(p.sz, 'sz', 0);
    const count = p.count === undefined ? undefined : Math.floor(finite(p.count, 'count', 1));
    this.core.exchange.setDepth(coin, sz, count);
  }

  exchangeOrders(user?: string): ExchangeOrderReceived[] {
    const all = this.core.market().exchange.received;
    const u = user === undefined ? undefined : address(user, 'user');
    return (u === undefined ? all : all.filter((o) => o.user === u)).map((o) => ({ ...o }));
  }

  setMid(p: { coin: string; px: DecimalInput }): string {
    const m = this.core.market();
    const spec = coinOf(m, p.coin);
    const px = finite(p.px, 'px', Number.MIN_VALUE);
    m.nudgeMid(spec.index, px / m.mids[spec.index] - 1);
    this.core.exchange.matchResting();
    return formatPx(spec, m.markInts[spec.index]);
  }

  setBalance(p: { user: string; usd: DecimalInput }): string {
    const m = this.core.market();
    const t = m.ensureTrader(address(p.user, 'user'));
    const cashMicro = Math.round(finite(p.usd, 'usd', 0) * 1e6);
    t.netDeposit += (cashMicro - t.cashMicro) / 1e6;
    t.cashMicro = cashMicro;
    t.dirty = true;
    return formatUsd(accountValueOf(t, m.coins, m.marks));
  }

  setRequestsUsed(p: { user: string; used: number }): void {
    this.core.market().exchange.setRequestsUsed(address(p.user, 'user'), Math.floor(finite(p.used, 'used', 0)));
  }

  applyFunding(): number {
    return this.core.market().applyFunding(this.core.fundingRng());
  }

  setRole(p: SetRoleParams): void {
    if (!ROLES.includes(p.role)) throw new ControlError(`role must be one of ${ROLES.join(', ')}`);
    const t = this.core.market().ensureTrader(address(p.user, 'user'));
    t.role = p.role;
    t.roleData = p.data === undefined ? undefined : address(p.data, 'data');
  }

  reset(p: ResetParams = {}): void {
    this.core.rebuild(p);
  }

  stats(): SimulatorStats {
    const { limiter, info, hub, pump } = this.core;
    const m = this.core.market();
    const byClient = limiter.clientStats();
    const clients = Object.values(byClient);
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      weight: {
        limitPerMinute: limiter.limitPerMinute,
        windowMs: this.core.weightWindowMs,
        currentWindow: Math.max(0, ...clients.map((c) => c.currentWindow)),
        maxWindow: Math.max(0, ...clients.map((c) => c.maxWindow)),
        rejected429: clients.reduce((s, c) => s + c.rejected429, 0),
        totalConsumed: clients.reduce((s, c) => s + c.totalConsumed, 0),
        byClient,
      },
      requestsByType: { ...info.requestsByType },
      info: { requests: info.requests, badRequests: info.badRequests, injectedFailures: info.injectedFailures, delayed: info.delayed },
      ws: {
        connections: hub.connections,
        connectionsTotal: hub.connectionsTotal,
        connectionsRejected: hub.connectionsRejected,
        subscriptions: hub.subscriptions,
        messagesSent: hub.messagesSent,
        tradesSent: hub.tradesSent,
        messagesDropped: hub.messagesDropped,
        messagesReceived: hub.messagesReceived,
      },
      exchange: {
        requests: this.core.exchange.requests,
        badRequests: this.core.exchange.badRequests,
        injectedFailures: this.core.exchange.faults.injectedFailures,
        delayed: this.core.exchange.faults.delayed,
        byAction: { ...this.core.exchange.requestsByAction },
        ordersReceived: m.exchange.received.length,
        duplicateCloids: m.exchange.duplicateCloids,
      },
      trades: {
        total: m.totalTrades,
        scripted: this.core.scriptedTrades,
        generated: this.core.generator().generated,
        perSecond: this.core.tradesPerSecond(),
        tradeRate: pump.rate,
      },
      process: {
        rssMb: Math.round(mem.rss / 1048576),
        heapUsedMb: Math.round(mem.heapUsed / 1048576),
        cpuUserMs: Math.round(cpu.user / 1000),
        cpuSystemMs: Math.round(cpu.system / 1000),
        uptimeMs: Date.now() - this.core.startedAt,
      },
    };
  }

  truth(): TraderTruth[] {
    return truthView(this.core.market());
  }

  traders(): string[] {
    return this.core.market().traders.map((t) => t.address);
  }

  position(user: string, coin: string): TruthPosition | null {
    const m = this.core.market();
    const t = m.trader(address(user, 'user'));
    const spec = coinOf(m, coin);
    return t ? positionTruth(m, t, spec.index) : null;
  }
}

type Body = Record<string, unknown>;

/** POST /sim/<kebab-name> (JSON body) → control method. GET works for the read-only ones. */
export const CONTROL_ROUTES: Readonly<Record<string, (ctl: SimulatorControl, b: Body) => unknown>> = {
  trade: (ctl, b) => ctl.trade(b as unknown as TradeParams),
  'set-position': (ctl, b) => ctl.setPosition(b as unknown as SetPositionParams),
  liquidate: (ctl, b) => ctl.liquidate(b as unknown as LiquidateParams),
  adl: (ctl, b) => ctl.adl(b as unknown as AdlParams),
  'set-trade-rate': (ctl, b) => {
    ctl.setTradeRate(finite(b.tradesPerSecond ?? b.rate, 'tradesPerSecond', 0));
    return { tradeRate: ctl.stats().trades.tradeRate };
  },
  generate: (ctl, b) => ({ generated: ctl.generate(finite(b.count, 'count', 0)) }),
  'drop-all-sockets': (ctl, b) => ({ dropped: ctl.dropAllSockets({ abrupt: b.abrupt === true }) }),
  'stall-sockets': (ctl, b) => ({ stalled: ctl.stallSockets(finite(b.ms, 'ms', 0)) }),
  'send-malformed': (ctl, b) => ({ sent: ctl.sendMalformed(finite(b.count ?? 1, 'count', 0)) }),
  'send-frame': (ctl, b) => ({ sent: ctl.sendFrame(b as unknown as SendFrameParams) }),
  'fail-info': (ctl, b) => {
    ctl.failInfo(b as unknown as FailInfoParams);
    return { ok: true };
  },
  'slow-info': (ctl, b) => {
    ctl.slowInfo(b as unknown as SlowInfoParams);
    return { ok: true };
  },
  'fail-exchange': (ctl, b) => {
    ctl.failExchange(b as unknown as FailExchangeParams);
    return { ok: true };
  },
  'slow-exchange': (ctl, b) => {
    ctl.slowExchange(b as unknown as SlowInfoParams);
    return { ok: true };
  },
  'set-exchange-depth': (ctl, b) => {
    ctl.setExchangeDepth(b as ExchangeDepthParams);
    return { ok: true };
  },
  'exchange-orders': (ctl, b) => ctl.exchangeOrders(b.user === undefined ? undefined : String(b.user)),
  'set-mid': (ctl, b) => ({ mark: ctl.setMid(b as unknown as { coin: string; px: DecimalInput }) }),
  'set-balance': (ctl, b) => ({ accountValue: ctl.setBalance(b as unknown as { user: string; usd: DecimalInput }) }),
  'set-requests-used': (ctl, b) => {
    ctl.setRequestsUsed(b as unknown as { user: string; used: number });
    return { ok: true };
  },
  'apply-funding': (ctl) => ({ payments: ctl.applyFunding() }),
  'set-role': (ctl, b) => {
    ctl.setRole(b as unknown as SetRoleParams);
    return { ok: true };
  },
  reset: (ctl, b) => {
    ctl.reset(b as ResetParams);
    return { ok: true };
  },
  stats: (ctl) => ctl.stats(),
  truth: (ctl) => ctl.truth(),
  traders: (ctl) => ctl.traders(),
  position: (ctl, b) => ctl.position(String(b.user), String(b.coin)),
};

export const READ_ONLY_ROUTES = new Set(['stats', 'truth', 'traders', 'position', 'exchange-orders']);
