/**
 * The exchange client's contract (signed `POST /exchange` actions), shared with the copy engine.
 * Keep it stable: the engine is written against these types.
 */

export type Hex = `0x${string}`;

/** Time in force of a limit order: immediate-or-cancel, good-till-cancel, add-liquidity-only. */
export type OrderTif = 'Ioc' | 'Gtc' | 'Alo';

export interface OrderParams {
  /** Perp coin as in `meta` (`BTC`, `kPEPE`). */
  coin: string;
  isBuy: boolean;
  /** Limit price, already on the exchange's grid (see order-rounding.ts); sent as given. */
  price: string;
  /** Size in coins, at most `szDecimals` decimals; sent as given. */
  size: string;
  reduceOnly: boolean;
  tif: OrderTif;
  /** Client order id, 0x + 32 hex (use a hashed, random-looking id: see EXCHANGE.md). */
  cloid?: Hex;
}

/**
 * The exchange's answer for one order. `error` covers both a refused order (`{"error":…}` inside
 * `status:"ok"`) and a refused action (`status:"err"`, e.g. an unapproved agent); `actionRejected`
 * tells them apart. Nothing was executed for an `error`.
 */
export type OrderOutcome =
  | { kind: 'filled'; oid: number; totalSz: string; avgPx: string; cloid?: Hex }
  | { kind: 'resting'; oid: number; cloid?: Hex }
  | { kind: 'error'; message: string; actionRejected: boolean };

/** Outcome of a cancel, cancelByCloid or updateLeverage. */
export type ActionOutcome = { kind: 'ok' } | { kind: 'error'; message: string; actionRejected: boolean };

/** `orderStatus` by oid or cloid. `status` is the exchange's (`open`, `filled`, `canceled`, `…Rejected`). */
export type OrderStatusResult =
  | { known: false }
  | {
      known: true;
      status: string;
      statusTimestamp: number;
      oid: number;
      cloid: Hex | null;
      coin: string;
      side: 'B' | 'A';
      limitPx: string;
      /** Size still open. */
      sz: string;
      origSz: string;
      reduceOnly: boolean;
      tif: string | null;
    };

export interface ExtraAgent {
  name: string;
  address: Hex;
  validUntil: number;
}

export interface UserRateLimit {
  cumVlm: string;
  nRequestsUsed: number;
  nRequestsCap: number;
  nRequestsSurplus: number;
}

/** What `meta` says about one perp, as the exchange client needs it. */
export interface AssetInfo {
  coin: string;
  /** Index in `meta.universe`: the `a` of an order. */
  asset: number;
  szDecimals: number;
  maxLeverage: number;
}

/** A failed exchange request; `code` says what is known about its outcome, `status` is the HTTP status if any. */
export class ExchangeRequestFailure extends Error {
  constructor(
    readonly code: 'EXCHANGE_OUTCOME_UNKNOWN' | 'EXCHANGE_RATE_LIMITED' | 'EXCHANGE_REQUEST_REFUSED',
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The request may or may not have been executed: a 5xx, a timeout, a connection reset, an answer
 * that is not JSON. Resolve it with `orderStatus` by cloid before sending anything else.
 */
export class ExchangeOutcomeUnknownError extends ExchangeRequestFailure {
  constructor(message: string, status: number | null) {
    super('EXCHANGE_OUTCOME_UNKNOWN', message, status);
  }
}

/** HTTP 429: the exchange refused the request before executing it (the shared budget is paused). */
export class ExchangeRateLimitedError extends ExchangeRequestFailure {
  constructor(message = 'exchange answered 429') {
    super('EXCHANGE_RATE_LIMITED', message, 429);
  }
}

/** A request the exchange refused without executing it (4xx other than 429, or refused before sending). */
export class ExchangeRequestError extends ExchangeRequestFailure {
  constructor(message: string, status: number | null) {
    super('EXCHANGE_REQUEST_REFUSED', message, status);
  }
}

/** The coin is not in `meta`. */
export class UnknownCoinError extends Error {
  readonly code = 'UNKNOWN_COIN';
  constructor(readonly coin: string) {
    super(`unknown perp coin ${coin}`);
    this.name = 'UnknownCoinError';
  }
}
