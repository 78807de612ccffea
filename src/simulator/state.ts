import type { FillLog } from './fill-log';
import type { Side, TraderKind, UserRole } from './types';

/** HLP, the exchange's liquidity-provider vault: a party to a large share of all trades. */
export const HLP_ADDRESS = '0xdfc24b077bc1425ad1dea75bcb6f8158e10df303';
/** Named in ADL fills when the caller does not say who went bankrupt. */
export const DEFAULT_BANKRUPT_ADDRESS = '0x000000000000000000000000000000000000dead';

export const TAKER_FEE_RATE = 0.00045;
export const MAKER_FEE_RATE = 0.00015;
/** Only a user's newest 10,000 fills exist, as on the exchange. */
export const MAX_FILLS_KEPT = 10_000;
/** Fills and funding pages are this long. */
export const FILLS_PAGE = 2000;
export const FUNDING_PAGE = 500;
/** Starting balance of an address first seen in a scripted trade / setPosition. */
export const NEW_TRADER_BALANCE_USD = 10_000;

export interface PositionState {
  /** Signed size in integer units of 10^-szDecimals. */
  szi: number;
  entryPx: number;
  /** Funding paid (USD, > 0 = paid) since the position was opened / last changed. */
  sinceOpen: number;
  sinceChange: number;
}

export interface FundingRecord {
  time: number;
  coin: number;
  rate: number;
  sziUnits: number;
  usdcMicro: number;
  hash: string;
}

/** One portfolio sample: account value, cumulative pnl (value − net deposits), cumulative volume. */
export interface HistoryPoint {
  t: number;
  av: number;
  pnl: number;
  vlmMicro: bigint;
}

export interface TraderState {
  readonly address: string;
  readonly index: number;
  readonly kind: TraderKind;
  role: UserRole;
  roleData: string | undefined;
  /** Cash (deposits + realized pnl − fees + funding) in integer micro-USD. */
  cashMicro: number;
  netDeposit: number;
  /** Indexed by coin index. */
  readonly positions: (PositionState | undefined)[];
  readonly leverage: number[];
  /** Funding paid per coin over the account's life (USD, > 0 = paid). */
  readonly fundingAllTime: number[];
  readonly fills: FillLog;
  funding: FundingRecord[];
  history: HistoryPoint[];
  /** Σ px*sz of public trades, micro-USD (exact). */
  volumeMicro: bigint;
  tradesCount: number;
  /** Relative activity in the generated flow (heavy-tailed). */
  readonly activity: number;
  /** Typical notional of one of its orders, USD. */
  readonly orderNotionalUsd: number;
  /** Traded since the last portfolio sample. */
  dirty: boolean;
}

/** A public trade. `json` caches its wire form once someone needs it; `hashId` → market.hashOf. */
export interface TradeRecord {
  coin: number;
  side: Side;
  pxInt: number;
  szUnits: number;
  time: number;
  hashId: number;
  tid: number;
  buyer: string;
  seller: string;
  json: string | undefined;
}

export type { FillRecord, LiquidationRecord } from './fill-log';
