import type { ExchangeSigner, HyperliquidExchangeClient } from '../../hyperliquid/exchange.client';
import { ExchangeOutcomeUnknownError, ExchangeRateLimitedError, type Hex } from '../../hyperliquid/exchange.types';
import type { HyperliquidInfoClient } from '../../hyperliquid/info.client';
import type { OrderRecord } from '../data/copy.records';
import { paperFill } from '../domain/fills';

/** What became of an order at the exchange (or the paper book). */
export type ExecResult =
  | { status: 'filled' | 'partially_filled'; filled: number; avgPx: number; fee: number; oid: string | null }
  | { status: 'rejected' | 'failed'; error: string; filled: 0 }
  /** Sent, answer lost (5xx, timeout, 429): resolve by cloid before anything else. */
  | { status: 'unknown'; error: string };

export interface AccountSnapshot {
  equityUsd: number;
  positions: Record<string, { size: number; entryPx: number; leverage: number | null }>;
}

/** What an order needs to be sent (a journal row, or the one being written). */
export type SendableOrder = Pick<OrderRecord, 'coin' | 'side' | 'size' | 'limitPrice' | 'reduceOnly' | 'cloid'>;

export interface CopyExecutor {
  /** `sendAfter`: prepared (reserved, signed) at once, sent only once it resolves; never sent if it rejects. */
  send(order: SendableOrder, slippageBps: number, sendAfter?: Promise<unknown>): Promise<ExecResult>;
  /** After a crash or an unknown outcome; `wait` = the exchange does not know it yet, ask again later. */
  resolve(order: OrderRecord): Promise<ExecResult | 'wait'>;
  setLeverage(coin: string, leverage: number): Promise<string | null>;
  /** The account at the exchange; null for paper (its book is ours). */
  snapshot(): Promise<AccountSnapshot | null>;
  /** Requests left on the address allowance, when known. */
  allowance(): Promise<{ used: number; cap: number } | null>;
  /** The executor is replaced or its follower dropped: let go of what it holds (the agent's key). */
  close(): void;
}

/** Paper: fills at the latest stream price worsened by the slippage, charged PAPER_TAKER_FEE_BPS. */
export class PaperExecutor implements CopyExecutor {
  constructor(
    private readonly price: (coin: string) => number | null,
    private readonly feeBps: number,
  ) {}

  /** The fill of a paper order now; null without a price. */
  fill(coin: string, isBuy: boolean, size: number, slippageBps: number): { price: number; fee: number } | null {
    const px = this.price(coin);
    return px ? paperFill(px, isBuy, size, slippageBps, this.feeBps) : null;
  }

  async send(order: SendableOrder, slippageBps: number): Promise<ExecResult> {
    const size = Number(order.size);
    const fill = this.fill(order.coin, order.side === 'buy', size, slippageBps);
    if (!fill) return { status: 'failed', error: 'no price for the coin', filled: 0 };
    return { status: 'filled', filled: size, avgPx: fill.price, fee: fill.fee, oid: null };
  }

  /** A paper order never left the process: a crash before its fill means it did not fill. */
  async resolve(): Promise<ExecResult> {
    return { status: 'failed', error: 'interrupted before its paper fill', filled: 0 };
  }

  async setLeverage(): Promise<string | null> {
    return null;
  }

  async snapshot(): Promise<null> {
    return null;
  }

  async allowance(): Promise<null> {
    return null;
  }

  close(): void {}
}

/** An order not known to the exchange this long after its journal row is taken as never received. */
const UNKNOWN_AFTER_MS = 15_000;

/**
 * Live: IOC orders signed by the follower's agent for its account, through the shared budget. The
 * agent's signer (its viem account, derived once from the decrypted key) lives as long as this
 * executor: the actor builds a new one when the follower is reloaded (agent key changed), and
 * the decrypted key is kept nowhere else.
 */
export class LiveExecutor implements CopyExecutor {
  constructor(
    private readonly exchange: HyperliquidExchangeClient,
    private readonly info: HyperliquidInfoClient,
    private readonly agentKey: ExchangeSigner,
    private readonly master: Hex,
    private readonly feeBps: number,
  ) {}

  async send(order: SendableOrder, _slippageBps: number, sendAfter?: Promise<unknown>): Promise<ExecResult> {
    try {
      const out = await this.exchange.order(this.agentKey, this.master, {
        coin: order.coin,
        isBuy: order.side === 'buy',
        price: order.limitPrice!,
        size: order.size,
        reduceOnly: order.reduceOnly,
        tif: 'Ioc',
        cloid: order.cloid as Hex,
      }, undefined, sendAfter);
      if (out.kind === 'filled') return this.filled(order, Number(out.totalSz), Number(out.avgPx), String(out.oid));
      if (out.kind === 'resting') {
        // An IOC never rests; if the exchange says so, take it back.
        await this.exchange.cancelByCloid(this.agentKey, this.master, order.coin, order.cloid as Hex).catch(() => undefined);
        return { status: 'unknown', error: 'IOC order rested; canceled, resolving' };
      }
      return { status: 'rejected', error: out.message, filled: 0 };
    } catch (err) {
      if (err instanceof ExchangeOutcomeUnknownError || err instanceof ExchangeRateLimitedError) {
        return { status: 'unknown', error: err.message };
      }
      return { status: 'failed', error: (err as Error).message, filled: 0 };
    }
  }

  async resolve(order: OrderRecord): Promise<ExecResult | 'wait'> {
    const st = await this.info.orderStatus(this.master, order.cloid as Hex);
    if (!st.known) {
      return Date.now() - order.createdAt.getTime() > UNKNOWN_AFTER_MS
        ? { status: 'failed', error: 'never reached the exchange (orderStatus: unknown cloid)', filled: 0 }
        : 'wait';
    }
    if (st.status === 'open') {
      await this.exchange.cancelByCloid(this.agentKey, this.master, order.coin, order.cloid as Hex).catch(() => undefined);
      return 'wait';
    }
    const filled = Math.max(0, Number(st.origSz) - Number(st.sz));
    if (st.status === 'filled' || filled > 0) return this.filled(order, st.status === 'filled' ? Number(st.origSz) : filled, Number(st.limitPx), String(st.oid));
    return { status: st.status.toLowerCase().includes('reject') ? 'rejected' : 'failed', error: `orderStatus ${st.status}`, filled: 0 };
  }

  async setLeverage(coin: string, leverage: number): Promise<string | null> {
    const out = await this.exchange.updateLeverage(this.agentKey, this.master, coin, leverage, true);
    return out.kind === 'ok' ? null : out.message;
  }

  async snapshot(): Promise<AccountSnapshot> {
    const s = await this.info.clearinghouseState(this.master, 'high');
    return {
      equityUsd: Number(s.accountValue),
      positions: Object.fromEntries(
        s.positions.map((p) => [p.coin, { size: Number(p.szi), entryPx: Number(p.entryPx ?? 0), leverage: p.leverage?.value ?? null }]),
      ),
    };
  }

  close(): void {
    this.agentKey.release();
  }

  async allowance(): Promise<{ used: number; cap: number }> {
    const r = await this.info.userRateLimit(this.master);
    return { used: r.nRequestsUsed, cap: r.nRequestsCap };
  }

  private filled(order: SendableOrder, size: number, avgPx: number, oid: string): ExecResult {
    const status = size + 1e-12 >= Number(order.size) ? 'filled' : 'partially_filled';
    return { status, filled: size, avgPx, fee: (size * avgPx * this.feeBps) / 10_000, oid };
  }
}
