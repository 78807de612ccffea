/**
 * Parsed shapes of the Hyperliquid API, as the rest of the code sees them.
 *
 * Numeric exchange values stay decimal strings (`DecimalString`): plain notation (no exponent,
 * no leading `+`), validated, and otherwise exactly as the exchange wrote them (so "98450.0"
 * stays "98450.0"; compare them as decimals, never as strings). Integers that are identifiers
 * or timestamps (`time`, `tid`, `oid`) are JS numbers checked with `Number.isSafeInteger`.
 * Addresses are validated (`0x` + 40 hex) and lower-cased.
 */

/** A validated plain decimal string, e.g. "-0.1", "98450.0". */
export type DecimalString = string;

/** A lower-cased `0x` + 40 hex address. */
export type Address = string;

/** `B` = buy, `A` = sell (ask). On a public trade it is the taker's side. */
export type TradeSide = 'B' | 'A';

/** A list parsed element by element: bad elements are skipped and counted, never fatal. */
export interface ParsedList<T> {
  items: T[];
  invalid: number;
}

export interface ParsedLeverage {
  /** `cross` or `isolated` (other values are passed through as sent). */
  type: string;
  value: number;
  /** Only on isolated positions. */
  rawUsd?: DecimalString;
}

export interface CumFunding {
  allTime: DecimalString;
  sinceOpen: DecimalString;
  sinceChange: DecimalString;
}

export interface ParsedPosition {
  coin: string;
  /** Signed size: negative = short. */
  szi: DecimalString;
  entryPx: DecimalString | null;
  positionValue: DecimalString;
  unrealizedPnl: DecimalString;
  returnOnEquity: DecimalString | null;
  leverage: ParsedLeverage | null;
  liquidationPx: DecimalString | null;
  marginUsed: DecimalString;
  /** Absent in old recordings. */
  maxLeverage?: number;
  /** Absent in old recordings. */
  cumFunding?: CumFunding;
}

/** `clearinghouseState`: a user's perp account. */
export interface ParsedAccountState {
  positions: ParsedPosition[];
  /** Elements of `assetPositions` that could not be parsed (skipped). */
  invalidPositions: number;
  accountValue: DecimalString;
  totalNtlPos: DecimalString;
  totalMarginUsed: DecimalString;
  totalRawUsd: DecimalString | null;
  withdrawable: DecimalString;
  crossMaintenanceMarginUsed: DecimalString | null;
  /** Server time of the snapshot (ms); absent in old recordings. */
  time: number | null;
}

/** A public trade from the `trades` channel. */
export interface WsTrade {
  coin: string;
  /** The taker's side. */
  side: TradeSide;
  px: DecimalString;
  sz: DecimalString;
  hash: string;
  time: number;
  /** Trade id; unique per coin. Dedupe on (coin, tid), never on hash. */
  tid: number;
  buyer: Address;
  seller: Address;
}

export type PerpFillDir =
  | 'Open Long'
  | 'Close Long'
  | 'Open Short'
  | 'Close Short'
  | 'Long > Short'
  | 'Short > Long';

/** Known directions; other strings the exchange may add are passed through. */
export type FillDir = PerpFillDir | 'Buy' | 'Sell' | (string & {});

export interface FillLiquidation {
  liquidatedUser: Address | null;
  markPx: DecimalString;
  /** `market` or `backstop` (other values passed through). */
  method: string;
}

/** A user's own fill (`userFills`, `userFillsByTime`, the `user` / `userFills` channels). */
export interface Fill {
  coin: string;
  px: DecimalString;
  sz: DecimalString;
  side: TradeSide;
  time: number;
  startPosition: DecimalString;
  dir: FillDir;
  closedPnl: DecimalString;
  hash: string;
  oid: number;
  /** true = taker. */
  crossed: boolean;
  fee: DecimalString;
  /** Absent in 2023 recordings. */
  tid: number | null;
  /** Absent in 2023 recordings. */
  feeToken: string | null;
  twapId: number | null;
  liquidation?: FillLiquidation;
  builderFee?: DecimalString;
  cloid?: string;
}

/** One perp of `meta.universe`. */
export interface PerpMeta {
  name: string;
  /** The perp's asset id: its index in `universe`. */
  assetId: number;
  szDecimals: number;
  maxLeverage: number;
  isDelisted: boolean;
  onlyIsolated: boolean;
}

/** One element of the second half of `metaAndAssetCtxs`, joined with its coin. */
export interface PerpAssetCtx {
  coin: string;
  markPx: DecimalString;
  midPx: DecimalString | null;
  oraclePx: DecimalString | null;
  funding: DecimalString | null;
  openInterest: DecimalString | null;
  dayNtlVlm: DecimalString | null;
  prevDayPx: DecimalString | null;
}

export interface MetaAndAssetCtxs {
  universe: PerpMeta[];
  ctxs: PerpAssetCtx[];
  invalid: number;
}

export const PORTFOLIO_PERIODS = [
  'day',
  'week',
  'month',
  'allTime',
  'perpDay',
  'perpWeek',
  'perpMonth',
  'perpAllTime',
] as const;
export type PortfolioPeriod = (typeof PORTFOLIO_PERIODS)[number];

export interface TimePoint {
  time: number;
  value: DecimalString;
}

export interface PortfolioSeries {
  accountValueHistory: TimePoint[];
  pnlHistory: TimePoint[];
  vlm: DecimalString;
}

export interface ParsedPortfolio {
  /** Known periods present in the response; unknown periods are ignored. */
  periods: Partial<Record<PortfolioPeriod, PortfolioSeries>>;
  /** Bad points and bad period entries skipped. */
  invalid: number;
}

export const USER_ROLES = ['user', 'vault', 'subAccount', 'agent', 'missing'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface ParsedUserRole {
  role: UserRole;
  /** A sub-account's master or an agent's user, when the exchange says (`data.master` / `data.user`). */
  linkedUser: Address | null;
}

/** One `userFunding` payment. */
export interface FundingPayment {
  time: number;
  hash: string;
  coin: string;
  usdc: DecimalString;
  szi: DecimalString;
  fundingRate: DecimalString;
  nSamples: number | null;
}

export interface WsSubscription {
  type: string;
  coin?: string;
  user?: string;
  [key: string]: unknown;
}

export const TRADE_REJECTION_REASONS = ['shape', 'coin', 'side', 'px', 'sz', 'time', 'tid', 'hash', 'users', 'self_trade'] as const;
export type TradeRejectionReason = (typeof TRADE_REJECTION_REASONS)[number];

/** A stream trade refused at the boundary, with why (see trade-validation.ts). */
export interface TradeRejection {
  reason: TradeRejectionReason;
  /** The raw trade as JSON, cut short (control characters escaped), for the log. */
  sample: string;
}

/** What one WebSocket frame turned out to be. */
export type WsFrame =
  | { kind: 'greeting'; text: string }
  | { kind: 'ack'; method: string; subscription: WsSubscription | null }
  | { kind: 'pong' }
  | { kind: 'error'; message: string }
  | { kind: 'trades'; coin: string; trades: WsTrade[]; invalid: number; rejected: TradeRejection[] }
  | { kind: 'other'; channel: string; data: unknown }
  | { kind: 'malformed'; reason: string };

export type WsFrameKind = WsFrame['kind'];
