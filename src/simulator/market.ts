import { buildCoinSpecs, formatPx, formatSz, roundPx, type CoinSpec } from './coins';
import { accountValueOf } from './account';
import { toMicro } from './format';
import { applyDelta, type FillDir } from './position-math';
import { ExchangeState } from './exchange-state';
import { createPopulation, newTraderState } from './population';
import { Rng } from './rng';
import {
  MAKER_FEE_RATE,
  MAX_FILLS_KEPT,
  NEW_TRADER_BALANCE_USD,
  TAKER_FEE_RATE,
  HLP_ADDRESS,
  type FillRecord,
  type LiquidationRecord,
  type TradeRecord,
  type TraderState,
} from './state';
import type { Side } from './types';

const RECENT_KEPT = 200;
const HISTORY_CAP = 3000;

export interface MarketOptions {
  seed: number;
  /** Ordinary traders (3 market makers and 2 vaults on top). */
  traders: number;
  coins?: readonly string[];
  clock?: () => number;
  /** First trade id minus one (default derived from the seed). Keep ids increasing across resets. */
  tidStart?: number;
  oidStart?: number;
}

/**
 * The exchange's state machine: coins and marks, every account (cash, positions, fills, funding,
 * portfolio history) and the public trade tape. Every public trade moves exactly +sz to the buyer
 * and −sz to the seller, in integer size units, so Σ streamed deltas + start = szi holds exactly.
 */
export class Market {
  readonly coins: CoinSpec[];
  readonly coinIndex = new Map<string, number>();
  /** Current mid per coin (float, off-grid). */
  readonly mids: Float64Array;
  /** Mid rounded to the price grid, used as mark / oracle for valuations. */
  readonly marks: Float64Array;
  readonly markInts: Float64Array;
  /** Price-grid integer of the mark when the market was created. */
  readonly prevDayPx: Float64Array;
  /** Hourly funding rate per coin. */
  readonly fundingRates: Float64Array;
  readonly dayNtlMicro: number[];
  readonly dayBaseUnits: number[];
  readonly traders: TraderState[];
  /** HLP, the second vault and the three market makers. */
  readonly liquidityProviders: TraderState[];
  readonly hlp: TraderState;
  /** Size in units at the market's creation, per trader index then coin (the "starting position"). */
  readonly startSzi: Float64Array[];
  readonly seed: number;
  private readonly byAddress = new Map<string, TraderState>();
  private readonly recent: TradeRecord[][];
  private readonly clock: () => number;
  private readonly hashPrefix: string;
  private lastNow = 0;
  private hashCounter = 0;
  lastTid: number;
  lastOid: number;
  totalTrades = 0;
  /** Signed-action state of /exchange: agents, nonces, orders (reset with the market). */
  readonly exchange = new ExchangeState();
  /** Called with every batch of public trades of one coin (the WebSocket hub listens here). */
  onTrades: ((coin: number, trades: readonly TradeRecord[]) => void) | undefined;

  constructor(opts: MarketOptions) {
    this.seed = opts.seed;
    this.clock = opts.clock ?? Date.now;
    const rng = new Rng(opts.seed);
    this.coins = buildCoinSpecs(opts.coins);
    this.coins.forEach((c) => this.coinIndex.set(c.name, c.index));
    const n = this.coins.length;
    this.mids = Float64Array.from(this.coins, (c) => c.initialMid);
    this.marks = new Float64Array(n);
    this.markInts = new Float64Array(n);
    this.refreshMarks();
    this.prevDayPx = Float64Array.from(this.markInts);
    const fundingRng = rng.fork('funding');
    this.fundingRates = Float64Array.from(this.coins, () => Math.round((0.0000125 + 0.00002 * fundingRng.gaussian()) * 1e8) / 1e8);
    this.dayNtlMicro = new Array<number>(n).fill(0);
    this.dayBaseUnits = new Array<number>(n).fill(0);
    this.recent = this.coins.map(() => []);
    this.hashPrefix = rng.fork('hash').hex(48);
    this.lastTid = opts.tidStart ?? 100_000_000_000_000 + (opts.seed % 1000) * 1_000_000_000;
    this.lastOid = opts.oidStart ?? 50_000_000_000 + (opts.seed % 1000) * 1_000_000;
    this.traders = createPopulation({
      rng: rng.fork('population'),
      traders: opts.traders,
      coins: this.coins,
      marks: this.marks,
      fundingRates: this.fundingRates,
      now: this.now(),
      newHash: () => this.newHash(),
    });
    for (const t of this.traders) this.byAddress.set(t.address, t);
    this.hlp = this.byAddress.get(HLP_ADDRESS)!;
    this.liquidityProviders = this.traders.filter((t) => t.kind !== 'trader');
    this.startSzi = this.traders.map((t) => Float64Array.from(t.positions, (p) => p?.szi ?? 0));
  }

  /** Wall-clock ms, never going backwards. */
  now(): number {
    const t = this.clock();
    if (t > this.lastNow) this.lastNow = t;
    return this.lastNow;
  }

  /** A fresh transaction hash id (see hashOf). Ids keep trades and fills compact. */
  newHashId(): number {
    return ++this.hashCounter;
  }

  /** The 0x + 64-hex hash of an id. */
  hashOf(id: number): string {
    return '0x' + this.hashPrefix + id.toString(16).padStart(16, '0');
  }

  newHash(): string {
    return this.hashOf(this.newHashId());
  }

  nextOid(): number {
    return ++this.lastOid;
  }

  trader(address: string): TraderState | undefined {
    return this.byAddress.get(address.toLowerCase());
  }

  /** The trader at `address`, created with a default balance (no history of trades) if new. */
  ensureTrader(address: string): TraderState {
    const addr = address.toLowerCase();
    let t = this.byAddress.get(addr);
    if (t) return t;
    t = newTraderState({
      address: addr,
      index: this.traders.length,
      kind: 'trader',
      role: 'user',
      coins: this.coins.length,
      balanceUsd: NEW_TRADER_BALANCE_USD,
      activity: 0,
      orderNotionalUsd: 1000,
      leverage: this.coins.map((c) => Math.min(c.maxLeverage, 5)),
    });
    t.history.push({ t: this.now(), av: NEW_TRADER_BALANCE_USD, pnl: 0, vlmMicro: 0n });
    this.traders.push(t);
    this.startSzi.push(new Float64Array(this.coins.length));
    this.byAddress.set(addr, t);
    return t;
  }

  coin(name: string): CoinSpec | undefined {
    const i = this.coinIndex.get(name);
    return i === undefined ? undefined : this.coins[i];
  }

  private refreshMarks(): void {
    for (let c = 0; c < this.coins.length; c++) {
      const spec = this.coins[c];
      const pxInt = roundPx(spec, this.mids[c]);
      this.markInts[c] = pxInt;
      this.marks[c] = pxInt / spec.pxScale;
    }
  }

  /** Random walk of every mid over `dtMs` (relative volatility `vol` per √s), mildly mean-reverting. */
  stepMids(rng: Rng, dtMs: number, vol: number): void {
    if (vol <= 0 || dtMs <= 0) return;
    const s = vol * Math.sqrt(dtMs / 1000);
    const pull = Math.min(1, 0.0005 * (dtMs / 1000));
    for (let c = 0; c < this.coins.length; c++) {
      const drift = -pull * Math.log(this.mids[c] / this.coins[c].initialMid);
      this.mids[c] *= Math.exp(drift + s * rng.gaussian());
    }
    this.refreshMarks();
  }

  /** Move one mid by a relative amount (price impact of the flow). */
  nudgeMid(c: number, rel: number): void {
    this.mids[c] *= 1 + rel;
    const spec = this.coins[c];
    const pxInt = roundPx(spec, this.mids[c]);
    this.markInts[c] = pxInt;
    this.marks[c] = pxInt / spec.pxScale;
  }

  /**
   * Apply a signed size change to one account and record the fill. `countVolume` is false for
   * fills that are not public trades (backstop liquidation, ADL).
   */
  applyFill(
    t: TraderState,
    c: number,
    delta: number,
    pxInt: number,
    time: number,
    hashId: number,
    tid: number,
    oid: number,
    crossed: boolean,
    feeRate: number,
    liquidation: LiquidationRecord | undefined,
    dirOverride: FillDir | undefined,
    countVolume: boolean,
  ): void {
    const spec = this.coins[c];
    const pos = t.positions[c];
    const szi = pos ? pos.szi : 0;
    const change = applyDelta(szi, pos ? pos.entryPx : 0, delta, pxInt / spec.pxScale, spec.szScale);
    const absDelta = delta < 0 ? -delta : delta;
    const notionalMicro = pxInt * absDelta;
    const feeMicro = feeRate === 0 ? 0 : Math.round(notionalMicro * feeRate);
    const closedPnlMicro = change.closedPnl === 0 ? 0 : toMicro(change.closedPnl);
    t.cashMicro += closedPnlMicro - feeMicro;
    if (change.szi === 0) t.positions[c] = undefined;
    else if (!pos || change.opened) t.positions[c] = { szi: change.szi, entryPx: change.entryPx, sinceOpen: 0, sinceChange: 0 };
    else {
      pos.szi = change.szi;
      pos.entryPx = change.entryPx;
      pos.sinceChange = 0;
    }
    if (countVolume) {
      t.volumeMicro += BigInt(notionalMicro);
      t.tradesCount++;
    }
    t.dirty = true;
    t.fills.push(c, delta > 0 ? 'B' : 'A', dirOverride ?? change.dir, crossed, pxInt, absDelta, time, szi,
      closedPnlMicro, feeMicro, tid, oid, hashId, liquidation);
  }

  /** One public trade: +sz to the buyer, −sz to the seller. Does not publish (see publish). */
  executeTrade(
    c: number,
    buyer: TraderState,
    seller: TraderState,
    szUnits: number,
    pxInt: number,
    takerSide: Side,
    hashId: number,
    time: number,
    liquidation?: LiquidationRecord,
    takerOid?: number,
    makerOid?: number,
  ): TradeRecord {
    if (buyer === seller) throw new Error('buyer and seller must differ');
    if (!(szUnits > 0) || !Number.isInteger(szUnits)) throw new Error('size must be a positive whole number of units');
    const tid = ++this.lastTid;
    const buyerTakes = takerSide === 'B';
    const buyerOid = (buyerTakes ? takerOid : makerOid) ?? ++this.lastOid;
    const sellerOid = (buyerTakes ? makerOid : takerOid) ?? ++this.lastOid;
    this.applyFill(buyer, c, szUnits, pxInt, time, hashId, tid, buyerOid, buyerTakes,
      buyerTakes ? TAKER_FEE_RATE : MAKER_FEE_RATE, liquidation, undefined, true);
    this.applyFill(seller, c, -szUnits, pxInt, time, hashId, tid, sellerOid, !buyerTakes,
      buyerTakes ? MAKER_FEE_RATE : TAKER_FEE_RATE, liquidation, undefined, true);
    const trade: TradeRecord = {
      coin: c,
      side: takerSide,
      pxInt,
      szUnits,
      time,
      hashId,
      tid,
      buyer: buyer.address,
      seller: seller.address,
      json: undefined,
    };
    const recent = this.recent[c];
    recent.push(trade);
    if (recent.length > RECENT_KEPT * 2) recent.splice(0, recent.length - RECENT_KEPT);
    this.dayNtlMicro[c] += pxInt * szUnits;
    this.dayBaseUnits[c] += szUnits;
    this.totalTrades++;
    return trade;
  }

  /** Hand a batch of one coin's trades to the listener (one WebSocket message). */
  publish(c: number, trades: readonly TradeRecord[]): void {
    if (trades.length > 0 && this.onTrades) this.onTrades(c, trades);
  }

  /** The last `n` public trades of a coin, oldest first. */
  recentTrades(c: number, n: number): TradeRecord[] {
    const r = this.recent[c];
    return n <= 0 ? [] : r.slice(Math.max(0, r.length - n));
  }

  /** Wire JSON of a trade (cached). Key order as the exchange sends it. */
  tradeJson(t: TradeRecord): string {
    if (t.json !== undefined) return t.json;
    const spec = this.coins[t.coin];
    t.json =
      `{"coin":"${spec.name}","side":"${t.side}","px":"${formatPx(spec, t.pxInt)}","sz":"${formatSz(spec, t.szUnits)}",` +
      `"time":${t.time},"hash":"${this.hashOf(t.hashId)}","tid":${t.tid},"users":["${t.buyer}","${t.seller}"]}`;
    return t.json;
  }

  /** Set a position directly (no trade, no fill): the exchange-side change the app must reconcile. */
  setPosition(t: TraderState, c: number, szi: number, entryPx: number): void {
    const pos = t.positions[c];
    if (szi === 0) t.positions[c] = undefined;
    else if (!pos || Math.sign(pos.szi) !== Math.sign(szi)) t.positions[c] = { szi, entryPx, sinceOpen: 0, sinceChange: 0 };
    else {
      pos.szi = szi;
      pos.entryPx = entryPx;
      pos.sinceChange = 0;
    }
    t.dirty = true;
  }

  /**
   * Backstop liquidation of one position: it moves to `to` (HLP by default) at the mark with no
   * public trade; both accounts get a fill carrying `liquidation`.
   */
  backstopLiquidate(t: TraderState, c: number, to: TraderState): FillRecord | undefined {
    const szi = t.positions[c]?.szi ?? 0;
    if (szi === 0) return undefined;
    const markInt = this.markInts[c];
    const liq: LiquidationRecord = { liquidatedUser: t.address, markPxInt: markInt, method: 'backstop' };
    const time = this.now();
    const hashId = this.newHashId();
    const tid = ++this.lastTid;
    this.applyFill(t, c, -szi, markInt, time, hashId, tid, ++this.lastOid, true, 0, liq, undefined, false);
    if (to !== t) this.applyFill(to, c, szi, markInt, time, hashId, tid, ++this.lastOid, false, 0, liq, undefined, false);
    return t.fills.last();
  }

  /** Market liquidation: a public trade of the whole position against `to` at the mark, published. */
  marketLiquidate(t: TraderState, c: number, to: TraderState): { fill: FillRecord; trade: TradeRecord } | undefined {
    const szi = t.positions[c]?.szi ?? 0;
    if (szi === 0) return undefined;
    const markInt = this.markInts[c];
    const liq: LiquidationRecord = { liquidatedUser: t.address, markPxInt: markInt, method: 'market' };
    const userSells = szi > 0;
    const trade = this.executeTrade(c, userSells ? to : t, userSells ? t : to, Math.abs(szi), markInt,
      userSells ? 'A' : 'B', this.newHashId(), this.now(), liq);
    const fill = t.fills.last()!;
    this.publish(c, [trade]);
    return { fill, trade };
  }

  /** Auto-deleveraging: `units` come off the position at the mark, no public trade. */
  adl(t: TraderState, c: number, units: number, liquidatedUser: string): FillRecord | undefined {
    const szi = t.positions[c]?.szi ?? 0;
    const take = Math.min(Math.abs(szi), Math.abs(units));
    if (szi === 0 || take === 0) return undefined;
    const markInt = this.markInts[c];
    const liq: LiquidationRecord = { liquidatedUser, markPxInt: markInt, method: 'backstop' };
    this.applyFill(t, c, szi > 0 ? -take : take, markInt, this.now(), this.newHashId(), ++this.lastTid,
      ++this.lastOid, true, 0, liq, 'Auto-Deleveraging', false);
    return t.fills.last();
  }

  /** One funding round on every open position at the current marks; returns the number of payments. */
  applyFunding(rng: Rng): number {
    const time = this.now();
    let payments = 0;
    for (const t of this.traders) {
      for (let c = 0; c < this.coins.length; c++) {
        const pos = t.positions[c];
        if (!pos) continue;
        const rate = this.fundingRates[c];
        const size = pos.szi / this.coins[c].szScale;
        const usdcMicro = toMicro(-size * this.marks[c] * rate);
        if (usdcMicro === 0) continue;
        t.cashMicro += usdcMicro;
        const paid = -usdcMicro / 1e6;
        pos.sinceOpen += paid;
        pos.sinceChange += paid;
        t.fundingAllTime[c] += paid;
        t.funding.push({ time, coin: c, rate, sziUnits: pos.szi, usdcMicro, hash: this.newHash() });
        if (t.funding.length > MAX_FILLS_KEPT + 1000) t.funding.splice(0, t.funding.length - MAX_FILLS_KEPT);
        t.dirty = true;
        payments++;
      }
    }
    for (let c = 0; c < this.coins.length; c++) {
      this.fundingRates[c] = Math.round((this.fundingRates[c] * 0.8 + 0.0000125 * 0.2 + 0.000005 * rng.gaussian()) * 1e8) / 1e8;
    }
    return payments;
  }

  /** Record a portfolio point for every account that changed since the last sample. */
  samplePortfolios(now: number): void {
    for (const t of this.traders) {
      if (!t.dirty) continue;
      t.dirty = false;
      const av = accountValueOf(t, this.coins, this.marks);
      const h = t.history;
      h.push({ t: now, av, pnl: av - t.netDeposit, vlmMicro: t.volumeMicro });
      if (h.length > HISTORY_CAP) {
        // Thin the older two thirds by half; recent points stay dense.
        const cut = Math.floor((h.length * 2) / 3);
        const thinned = h.slice(0, cut).filter((_, i) => i % 2 === 0);
        t.history = thinned.concat(h.slice(cut));
      }
    }
  }
}
