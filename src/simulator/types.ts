/** Wire shapes (as the exchange sends them) and the simulator's public option / control types. */

export type Side = 'B' | 'A';

/** One element of a `trades` WebSocket message. `users` = [buyer, seller]; `side` = taker's side. */
export interface WsTrade {
  coin: string;
  side: Side;
  px: string;
  sz: string;
  time: number;
  hash: string;
  tid: number;
  users: [string, string];
}

export interface FillLiquidation {
  liquidatedUser: string;
  markPx: string;
  method: 'market' | 'backstop';
}

/** A fill as `userFills` / `userFillsByTime` return it (test/fixtures/info/userFills.current.json). */
export interface WireFill {
  coin: string;
  px: string;
  sz: string;
  side: Side;
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  /** The order's client id, when it had one (orders sent to /exchange). */
  cloid?: string;
  liquidation?: FillLiquidation;
  feeToken: string;
  twapId: number | null;
}

export type TraderKind = 'trader' | 'market-maker' | 'vault';
export type UserRole = 'user' | 'vault' | 'subAccount' | 'agent' | 'missing';

export interface SimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** RNG seed (default 1). Same seed → same traders, starting state and trade sequence. */
  seed?: number;
  /** Ordinary traders (default 200); 3 market makers and 2 vaults (HLP among them) come on top. */
  traders?: number;
  /** REST weight budget per client per window (default 1200). */
  weightPerMinute?: number;
  /** Length of the rolling weight window (default 60000 ms; shorten it in tests). */
  weightWindowMs?: number;
  /** Trades per second of the background generator (default 0 = only scripted trades). */
  tradeRate?: number;
  /** Restrict the universe to these coins (default: the recorded meta fixture's 28 perps). */
  coins?: string[];
  /** Close a WebSocket that has received nothing from its client for this long (default 60000). */
  idleTimeoutMs?: number;
  /** Trades replayed right after a `trades` subscription (default 10). */
  replayCount?: number;
  /** WebSocket connections per client (default 10). */
  maxConnections?: number;
  /** Subscriptions per WebSocket connection (default 1000). */
  maxSubscriptions?: number;
  /** Generator tick (default 20 ms). */
  tickMs?: number;
  /** Relative mid-price volatility per √second while the generator runs (default 0.0004). */
  volatility?: number;
  /** Apply funding on every UTC hour boundary (default true). */
  hourlyFunding?: boolean;
}

export interface SimulatorHandle {
  /** e.g. http://127.0.0.1:PORT */
  httpUrl: string;
  /** httpUrl + '/info' */
  infoUrl: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  port: number;
  control: SimulatorControl;
  close(): Promise<void>;
}

export type DecimalInput = number | string;

export interface TradeParams {
  coin: string;
  buyer: string;
  seller: string;
  sz: DecimalInput;
  /** Default: the coin's current mid (rounded to the price grid). */
  px?: DecimalInput;
  /** The taker's side (default 'B': the buyer took). */
  takerSide?: Side;
}

export interface SetPositionParams {
  user: string;
  coin: string;
  /** Signed size in coins; 0 closes. */
  szi: DecimalInput;
  /** Default: the current mark. */
  entryPx?: DecimalInput;
}

export interface LiquidateParams {
  user: string;
  /** Default: every open position of the user. */
  coin?: string;
  /** backstop (default): no public trade; market: a public trade against `counterparty`. */
  method?: 'backstop' | 'market';
  /** Who takes the position over (default HLP). */
  counterparty?: string;
}

export interface LiquidateResult {
  /** The liquidated user's fills (each carries `liquidation`). */
  fills: WireFill[];
  /** Public trades published (market method only). */
  trades: WsTrade[];
}

export interface AdlParams {
  user: string;
  coin: string;
  /** Size in coins to take off the position (capped at the position). */
  sz: DecimalInput;
  /** The bankrupt user named in the fill's `liquidation` (default: a fixed synthetic address). */
  liquidatedUser?: string;
}

export interface FailInfoParams {
  status: 429 | 500;
  /** Fail the next `count` /info requests (default 1 when forMs is not given). */
  count?: number;
  /** Fail every /info request for this long. */
  forMs?: number;
  /** Only requests of this client (default: everyone). */
  client?: string;
}

export interface SlowInfoParams {
  delayMs: number;
  /** Default: until reset() or slowInfo({delayMs: 0}). */
  forMs?: number;
}

export interface FailExchangeParams extends FailInfoParams {
  /** Run the action, then answer 500 anyway (the "outcome unknown" case). 429s never execute. */
  afterExecute?: boolean;
}

export interface ExchangeDepthParams {
  /** Only this coin (default: every coin). */
  coin?: string;
  /** Coins one taker order can fill at most, over all levels (partial fills); omit to restore the full book. */
  sz?: DecimalInput;
  /** For the next `count` orders that cross (default: until changed or reset). */
  count?: number;
}

/** An order as it reached /exchange, accepted or refused. */
export interface ExchangeOrderReceived {
  receivedAt: number;
  /** The account traded (the master when an agent signed). */
  user: string;
  signer: string;
  coin: string;
  isBuy: boolean;
  px: string;
  sz: string;
  reduceOnly: boolean;
  tif: string;
  cloid: string | null;
  /** `filled`, `resting` or the error text. */
  outcome: string;
  oid: number | null;
}

export interface ResetParams {
  seed?: number;
  traders?: number;
  tradeRate?: number;
  /** Also close every WebSocket (default false). */
  dropSockets?: boolean;
}

export interface SetRoleParams {
  user: string;
  role: UserRole;
  /** master (subAccount) or user (agent). */
  data?: string;
}

export interface TruthPosition {
  coin: string;
  szi: string;
  entryPx: string;
}

export interface TraderTruth {
  address: string;
  kind: TraderKind;
  role: UserRole;
  positions: TruthPosition[];
  accountValue: string;
  /** Σ px*sz of the trader's public trades, exact decimal string. */
  volumeUsd: string;
  tradesCount: number;
}

export interface SimulatorStats {
  weight: {
    limitPerMinute: number;
    windowMs: number;
    /** Largest current window over clients. */
    currentWindow: number;
    /** Max weight ever held in one rolling window, over clients. */
    maxWindow: number;
    /** Requests refused for lack of budget (not counting failInfo injections). */
    rejected429: number;
    totalConsumed: number;
    byClient: Record<string, { currentWindow: number; maxWindow: number; rejected429: number; totalConsumed: number }>;
  };
  /** /info (and WebSocket post) requests received, by `type`. */
  requestsByType: Record<string, number>;
  info: { requests: number; badRequests: number; injectedFailures: number; delayed: number };
  ws: {
    connections: number;
    connectionsTotal: number;
    connectionsRejected: number;
    subscriptions: number;
    messagesSent: number;
    tradesSent: number;
    /** Messages not sent because the socket was stalled. */
    messagesDropped: number;
    messagesReceived: number;
  };
  trades: { total: number; scripted: number; generated: number; perSecond: number; tradeRate: number };
  /** POST /exchange: requests, by action, orders received and cloids seen twice for one user. */
  exchange: {
    requests: number;
    badRequests: number;
    injectedFailures: number;
    delayed: number;
    byAction: Record<string, number>;
    ordersReceived: number;
    duplicateCloids: number;
  };
  process: { rssMb: number; heapUsedMb: number; cpuUserMs: number; cpuSystemMs: number; uptimeMs: number };
}

/** Test control; every method is also `POST /sim/<kebab-name>` (JSON body) on the simulator. */
export interface SendFrameParams {
  frame: unknown;
  coin?: string;
}

export interface SimulatorControl {
  trade(params: TradeParams): WsTrade;
  setPosition(params: SetPositionParams): TruthPosition;
  liquidate(params: LiquidateParams): LiquidateResult;
  adl(params: AdlParams): WireFill;
  setTradeRate(tradesPerSecond: number): void;
  /** Run the generator for `count` trades right now (published like background trades). */
  generate(count: number): number;
  dropAllSockets(opts?: { abrupt?: boolean }): number;
  stallSockets(ms: number): number;
  sendMalformed(count: number): number;
  /** A raw frame (a string as is, anything else as JSON) to the subscribers of `coin`'s trades, or every socket. */
  sendFrame(params: SendFrameParams): number;
  failInfo(params: FailInfoParams): void;
  slowInfo(params: SlowInfoParams): void;
  /** Answer the next /exchange requests with 429 / 500 (optionally after executing them). */
  failExchange(params: FailExchangeParams): void;
  /** Hold /exchange answers `delayMs` after the action ran. */
  slowExchange(params: SlowInfoParams): void;
  /** Cap the liquidity taker orders find (partial fills). */
  setExchangeDepth(params: ExchangeDepthParams): void;
  /** Every order received at /exchange, oldest first (optionally one account's). */
  exchangeOrders(user?: string): ExchangeOrderReceived[];
  /** Move a coin's mid (and mark) to `px`; resting /exchange orders the book now crosses fill. Returns the new mark. */
  setMid(params: { coin: string; px: DecimalInput }): string;
  /** Deposit or withdraw so the account holds `usd` in cash (creates it if new); returns its account value. */
  setBalance(params: { user: string; usd: DecimalInput }): string;
  /** Set how much of an address's request allowance is used (to test running out). */
  setRequestsUsed(params: { user: string; used: number }): void;
  applyFunding(): number;
  setRole(params: SetRoleParams): void;
  reset(params?: ResetParams): void;
  stats(): SimulatorStats;
  truth(): TraderTruth[];
  traders(): string[];
  position(user: string, coin: string): TruthPosition | null;
}
