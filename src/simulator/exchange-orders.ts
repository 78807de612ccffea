import { computeAccount } from './account';
import { formatPx, formatSz, type CoinSpec } from './coins';
import { gridStep, MIN_ORDER_VALUE_MICRO, ORDER_ERRORS, priceOnGrid, REJECTED_STATUS, sizeOnGrid } from './exchange-rules';
import type { OrderRecord, OrderTifName } from './exchange-state';
import { formatDecimal } from './format';
import type { Market } from './market';
import type { TradeRecord, TraderState } from './state';

/** Levels of synthetic liquidity each side of the mark (HLP and the market makers quote them). */
export const BOOK_LEVELS = 20;
/** Notional quoted per level, USD. */
export const LEVEL_NOTIONAL_USD = 200_000;
/** Orders more than this far from the mark are refused. */
const MAX_DISTANCE_FROM_REFERENCE = 0.8;

/** An order as the SDK's OrderRequest schema outputs it. */
export interface WireOrder {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit: { tif: OrderTifName } } | { trigger: unknown };
  c?: string;
}

export type OrderStatusWire =
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { resting: { oid: number; cloid?: string } }
  | { error: string };

/** A cap on the liquidity the next taker orders find (test knob for partial fills). */
export interface DepthLimit {
  coin: number | undefined;
  /** Coins available to one order, over all levels. */
  sz: number;
  remaining: number;
}

interface Level {
  pxInt: number;
  units: number;
}

/** Best bid / ask of the synthetic book: one step (≥ 1 bp, on the grid) either side of the mark. */
export function bookTop(spec: CoinSpec, markInt: number): { bid: number; ask: number; step: number } {
  const unit = gridStep(spec, markInt);
  const step = Math.max(unit, Math.round((markInt * 0.0001) / unit) * unit);
  return { bid: markInt - step, ask: markInt + step, step };
}

function levels(spec: CoinSpec, markInt: number, isBuy: boolean, limitPx: number, capUnits: number): Level[] {
  const { bid, ask, step } = bookTop(spec, markInt);
  const out: Level[] = [];
  let left = capUnits;
  for (let i = 0; i < BOOK_LEVELS && left > 0; i++) {
    const pxInt = isBuy ? ask + i * step : bid - i * step;
    if (pxInt <= 0 || (isBuy ? pxInt > limitPx : pxInt < limitPx)) break;
    const units = Math.min(left, Math.max(1, Math.floor((LEVEL_NOTIONAL_USD * spec.pxScale * spec.szScale) / pxInt)));
    out.push({ pxInt, units });
    left -= units;
  }
  return out;
}

/** The depth knob, shared by every OrderEngine of one simulator. */
export interface DepthKnob {
  limit: DepthLimit | undefined;
}

export class OrderEngine {
  constructor(
    private readonly market: Market,
    private readonly depth: DepthKnob,
  ) {}

  private takeDepth(coin: number, spec: CoinSpec): number {
    const d = this.depth.limit;
    if (!d || (d.coin !== undefined && d.coin !== coin)) return Number.MAX_SAFE_INTEGER;
    if (d.remaining !== Infinity) d.remaining--;
    if (d.remaining <= 0) this.depth.limit = undefined;
    return Math.max(0, Math.round(d.sz * spec.szScale));
  }

  /** Place one order for `user`; `error` statuses are refusals with the exchange's texts. */
  place(user: TraderState, o: WireOrder): OrderStatusWire {
    const m = this.market;
    const spec = m.coins[o.a];
    if (!spec) return { error: `Invalid asset ${o.a}.` };
    const refuse = (reason: keyof typeof ORDER_ERRORS, detail = '') => this.refuse(user, spec, o, REJECTED_STATUS[reason], `${ORDER_ERRORS[reason]}${detail} asset=${o.a}`);
    if (!('limit' in o.t)) return { error: `Trigger orders are not supported by the simulator. asset=${o.a}` };
    const tif = o.t.limit.tif;
    const pxInt = priceOnGrid(spec, o.p);
    if (pxInt === undefined) return refuse('tick');
    let units = sizeOnGrid(spec, o.s);
    if (units === undefined) return refuse('size');
    const markInt = m.markInts[o.a];
    if (Math.abs(pxInt - markInt) > markInt * MAX_DISTANCE_FROM_REFERENCE) return refuse('farFromReference', '.');
    const szi = user.positions[o.a]?.szi ?? 0;
    const sign = o.b ? 1 : -1;
    if (o.r) {
      if (szi === 0 || Math.sign(szi) === sign) return refuse('reduceOnly');
      units = Math.min(units, Math.abs(szi));
    } else if (pxInt * units < MIN_ORDER_VALUE_MICRO) {
      return refuse('minValue');
    }
    const increase = Math.sign(szi) === -sign ? Math.max(0, units - Math.abs(szi)) : units;
    if (increase > 0) {
      const acct = computeAccount(user, m.coins, m.marks);
      const required = ((increase / spec.szScale) * (pxInt / spec.pxScale)) / user.leverage[o.a];
      if (required > acct.accountValue - acct.totalMarginUsed) return refuse('margin');
    }
    const top = bookTop(spec, markInt);
    const crosses = o.b ? pxInt >= top.ask : pxInt <= top.bid;
    if (tif === 'Alo' && crosses) {
      return this.refuse(user, spec, o, REJECTED_STATUS.alo,
        `Post only order would have immediately matched, bbo was ${formatPx(spec, top.bid)}@${formatPx(spec, top.ask)}. asset=${o.a}`);
    }
    const book = crosses ? levels(spec, markInt, o.b, pxInt, Math.min(units, this.takeDepth(o.a, spec))) : [];
    const immediate = tif === 'Ioc' || tif === 'FrontendMarket';
    if (book.length === 0 && immediate) return refuse('iocNoMatch');
    const oid = m.nextOid();
    const filled = this.execute(user, spec, o, oid, book);
    const now = m.now();
    const rests = !immediate && filled < units;
    const record: OrderRecord = {
      oid, user: user.address, coin: o.a, isBuy: o.b, limitPx: o.p, pxInt, origUnits: units,
      remainingUnits: rests ? units - filled : 0, reduceOnly: o.r, tif, cloid: o.c ?? null, timestamp: now,
      status: rests ? 'open' : filled === units ? 'filled' : 'canceled', statusTimestamp: now,
    };
    m.exchange.addOrder(record);
    const cloid = o.c ? { cloid: o.c } : {};
    if (filled === 0) return { resting: { oid, ...cloid } };
    const notional = book.reduce((s, l) => s + l.pxInt * l.units, 0);
    return {
      filled: {
        totalSz: formatSz(spec, filled),
        avgPx: formatDecimal(notional / filled / spec.pxScale, spec.pxDecimals + 2),
        oid,
        ...cloid,
      },
    };
  }

  /** Fill against the levels (each level one public trade, one hash), publish; returns units filled. */
  private execute(user: TraderState, spec: CoinSpec, o: WireOrder, oid: number, book: Level[]): number {
    if (book.length === 0) return 0;
    const m = this.market;
    const maker = m.hlp !== user ? m.hlp : m.liquidityProviders.find((lp) => lp !== user)!;
    const hashId = m.newHashId();
    const time = m.now();
    if (o.c) m.exchange.cloidByOid.set(oid, o.c);
    const trades: TradeRecord[] = book.map((l) =>
      m.executeTrade(spec.index, o.b ? user : maker, o.b ? maker : user, l.units, l.pxInt, o.b ? 'B' : 'A', hashId, time, undefined, oid),
    );
    m.publish(spec.index, trades);
    return book.reduce((s, l) => s + l.units, 0);
  }

  /** A refused order still gets an oid, so orderStatus by its cloid tells why (our choice). */
  private refuse(user: TraderState, spec: CoinSpec, o: WireOrder, status: string, text: string): OrderStatusWire {
    if (o.c) {
      const m = this.market;
      const now = m.now();
      m.exchange.addOrder({
        oid: m.nextOid(), user: user.address, coin: spec.index, isBuy: o.b, limitPx: o.p, pxInt: 0, origUnits: 0,
        remainingUnits: 0, reduceOnly: o.r, tif: 'limit' in o.t ? o.t.limit.tif : 'Gtc', cloid: o.c, timestamp: now, status, statusTimestamp: now,
      });
    }
    return { error: text };
  }

  /** Cancel an open order of `user`. */
  cancel(user: TraderState, asset: number, order: OrderRecord | undefined): 'success' | { error: string } {
    if (!order || order.user !== user.address || order.coin !== asset || order.status !== 'open') {
      return { error: `Order was never placed, already canceled, or filled. asset=${asset}` };
    }
    this.market.exchange.close(order, 'canceled', this.market.now());
    return 'success';
  }

  /**
   * Fill resting orders the synthetic book now crosses (the mark moved through them): each fills
   * whole at its limit price as the maker, HLP taking. A reduce-only order is cut to the position,
   * or canceled (`reduceOnlyCanceled`) when there is none left to reduce. Returns orders filled.
   */
  matchResting(): number {
    const m = this.market;
    let filled = 0;
    for (const o of [...m.exchange.open]) {
      const spec = m.coins[o.coin];
      const top = bookTop(spec, m.markInts[o.coin]);
      if (o.isBuy ? o.pxInt < top.ask : o.pxInt > top.bid) continue;
      const user = m.trader(o.user)!;
      let units = o.remainingUnits;
      if (o.reduceOnly) {
        const szi = user.positions[o.coin]?.szi ?? 0;
        units = Math.sign(szi) === (o.isBuy ? -1 : 1) ? Math.min(units, Math.abs(szi)) : 0;
        if (units === 0) {
          m.exchange.close(o, 'reduceOnlyCanceled', m.now());
          continue;
        }
      }
      const taker = m.hlp !== user ? m.hlp : m.liquidityProviders.find((lp) => lp !== user)!;
      if (o.cloid) m.exchange.cloidByOid.set(o.oid, o.cloid);
      const trade = m.executeTrade(o.coin, o.isBuy ? user : taker, o.isBuy ? taker : user, units, o.pxInt,
        o.isBuy ? 'A' : 'B', m.newHashId(), m.now(), undefined, undefined, o.oid);
      m.publish(o.coin, [trade]);
      o.remainingUnits = 0;
      m.exchange.close(o, 'filled', m.now());
      filled++;
    }
    return filled;
  }
}

/** `orderStatus`'s `order.order` (FrontendOpenOrder). */
export function frontendOrderView(m: Market, o: OrderRecord): Record<string, unknown> {
  const spec = m.coins[o.coin];
  return {
    coin: spec.name,
    side: o.isBuy ? 'B' : 'A',
    limitPx: o.limitPx,
    sz: formatSz(spec, o.remainingUnits),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: formatSz(spec, o.origUnits),
    triggerCondition: 'N/A',
    isTrigger: false,
    triggerPx: '0.0',
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType: 'Limit',
    tif: o.tif,
    cloid: o.cloid,
  };
}
