import { accountValueOf } from './account';
import { roundPx } from './coins';
import type { Market } from './market';
import { buildCdf, sampleCdf, type Rng } from './rng';
import type { TradeRecord, TraderState } from './state';

/** Share of fills where a market maker or vault is the resting side. */
const LP_MAKER_SHARE = 0.42;
/** Share of taker orders sent by a market maker or vault. */
const LP_TAKER_SHARE = 0.1;
/** Weights of HLP, the second vault and the three market makers as liquidity providers. */
const LP_WEIGHTS = [0.35, 0.08, 0.27, 0.18, 0.12];

/**
 * The background order flow. Each "sweep" is one taker order filling 1–5 resting orders of one
 * coin at prices stepping away from the mid; it becomes one `trades` message (several trades,
 * one hash), as a block batches them on the exchange. Takers are drawn by heavy-tailed activity,
 * about half the makers are HLP / vault / market makers; traders with a position often reduce,
 * close or flip it.
 */
export class FlowGenerator {
  private readonly coinCdf: Float64Array;
  private readonly regular: TraderState[];
  private readonly regularCdf: Float64Array;
  private readonly lps: TraderState[];
  private readonly lpCdf: Float64Array;
  private readonly batch: TradeRecord[] = [];
  generated = 0;

  constructor(
    private readonly market: Market,
    private readonly rng: Rng,
  ) {
    this.coinCdf = buildCdf(market.coins.map((c) => c.popularity));
    this.regular = market.traders.filter((t) => t.kind === 'trader' && t.activity > 0);
    this.regularCdf = buildCdf(this.regular.map((t) => t.activity));
    this.lps = market.liquidityProviders;
    this.lpCdf = buildCdf(this.lps.map((_, i) => LP_WEIGHTS[i] ?? 0.05));
  }

  private pickRegular(): TraderState {
    return this.regular[sampleCdf(this.regularCdf, this.rng.next())];
  }

  private pickLp(): TraderState {
    return this.lps[sampleCdf(this.lpCdf, this.rng.next())];
  }

  private pickMaker(taker: TraderState): TraderState {
    for (let i = 0; i < 4; i++) {
      const m = this.regular.length === 0 || this.rng.next() < LP_MAKER_SHARE ? this.pickLp() : this.pickRegular();
      if (m !== taker) return m;
    }
    return taker === this.market.hlp ? this.lps[this.lps.length - 1] : this.market.hlp;
  }

  private pickLpOtherThan(t: TraderState): TraderState {
    const lp = this.pickLp();
    return lp !== t ? lp : this.market.hlp !== t ? this.market.hlp : this.lps[this.lps.length - 1];
  }

  /** Exposure limit of an ordinary trader in a coin: account value × min(10, its leverage). */
  private cap(t: TraderState, c: number): number {
    return accountValueOf(t, this.market.coins, this.market.marks) * Math.min(10, t.leverage[c]);
  }

  /** Would `delta` units take the trader's position beyond its cap (and further from flat)? */
  private overCap(t: TraderState, c: number, delta: number): boolean {
    const szi = t.positions[c]?.szi ?? 0;
    const after = Math.abs(szi + delta);
    if (after <= Math.abs(szi)) return false;
    return (after / this.market.coins[c].szScale) * this.market.marks[c] > this.cap(t, c);
  }

  /** Generate and publish at least `count` trades (whole sweeps); returns how many were made. */
  generate(count: number): number {
    let made = 0;
    while (made < count) made += this.sweep(count - made);
    this.generated += made;
    return made;
  }

  private sweep(maxTrades: number): number {
    const rng = this.rng;
    const market = this.market;
    const c = sampleCdf(this.coinCdf, rng.next());
    const spec = market.coins[c];
    const mark = market.marks[c];
    const taker = this.regular.length === 0 || rng.next() < LP_TAKER_SHARE ? this.pickLp() : this.pickRegular();
    const szi = taker.positions[c]?.szi ?? 0;
    const typical = Math.max(1, Math.round(((taker.orderNotionalUsd * Math.exp(0.9 * rng.gaussian())) / mark) * spec.szScale));
    let buys: boolean;
    let units: number;
    if (szi !== 0 && rng.next() < 0.45) {
      buys = szi < 0;
      const r = rng.next();
      const abs = Math.abs(szi);
      units = r < 0.35 ? abs : r < 0.5 ? abs + typical : Math.min(abs, typical);
    } else {
      buys = rng.next() < 0.5;
      units = typical;
      // Ordinary traders stay under ~10x: an order that would go beyond reduces instead.
      if (taker.kind === 'trader' && this.overCap(taker, c, buys ? units : -units)) {
        if (szi === 0) {
          const cap = this.cap(taker, c);
          units = Math.max(1, Math.floor((Math.max(0, cap) / mark) * spec.szScale * 0.5));
        } else {
          buys = szi < 0;
          units = Math.min(Math.abs(szi), typical);
        }
      }
    }
    let fills = units >= 2 && rng.next() < 0.45 ? rng.int(2, 6) : 1;
    if (fills > units) fills = units;
    if (fills > maxTrades) fills = Math.max(1, maxTrades);
    const hashId = market.newHashId();
    const time = market.now();
    const takerOid = market.nextOid();
    const sign = buys ? 1 : -1;
    const side = buys ? 'B' : 'A';
    let remaining = units;
    const batch = this.batch;
    for (let j = 0; j < fills; j++) {
      const left = fills - j - 1;
      let part = left === 0 ? remaining : Math.floor((remaining / (left + 1)) * (0.5 + rng.next()));
      if (part < 1) part = 1;
      if (remaining - part < left) part = remaining - left;
      remaining -= part;
      let maker = this.pickMaker(taker);
      if (maker.kind === 'trader' && this.overCap(maker, c, buys ? -part : part)) maker = this.pickLpOtherThan(taker);
      const pxInt = roundPx(spec, mark * (1 + sign * (0.5 + 0.8 * j + rng.next()) * 1e-4));
      batch.push(
        buys
          ? market.executeTrade(c, taker, maker, part, pxInt, side, hashId, time, undefined, takerOid)
          : market.executeTrade(c, maker, taker, part, pxInt, side, hashId, time, undefined, takerOid),
      );
    }
    market.publish(c, batch);
    batch.length = 0;
    market.nudgeMid(c, sign * 0.00002 * fills);
    return fills;
  }
}
