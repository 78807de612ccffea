import { AsyncLocalStorage } from 'async_hooks';
import { privateKeyToAccount } from 'viem/accounts';
import { CoalescingBudget } from './coalescing-budget';
import { SigningThread } from './signing-thread';
import type { Priority, WeightBudget } from './info.client';
import { exchangeApi, ExchangeClient, HttpRequestError, HttpTransport, TransportError, ValidationError } from './sdk';
import {
  type ActionOutcome,
  type AssetInfo,
  ExchangeOutcomeUnknownError,
  ExchangeRateLimitedError,
  ExchangeRequestError,
  type Hex,
  type OrderOutcome,
  type OrderParams,
  UnknownCoinError,
} from './exchange.types';

export * from './exchange.types';

/** Weight of one `/exchange` request on the per-IP budget: 1 + floor(batch length / 40). */
export function exchangeRequestWeight(batchLength: number): number {
  return 1 + Math.floor(Math.max(0, batchLength) / 40);
}

/** Where the client learns coin → asset index, szDecimals, maxLeverage (the info client's `meta`). */
export interface AssetDirectory {
  meta(signal?: AbortSignal): Promise<{ items: Array<{ name: string; assetId: number; szDecimals: number; maxLeverage: number }> }>;
}

export interface ExchangeClientOptions {
  /** The API base (`https://api.hyperliquid.xyz`); requests go to `…/exchange`. */
  apiUrl: string;
  /** Per-request timeout; a timeout is an unknown outcome. Default 10 s. */
  timeoutMs?: number;
  /** Testnet signing (source `b`). Default false. */
  isTestnet?: boolean;
  /** How long a `meta` read is trusted before an unknown coin re-reads it. Default 10 min. */
  metaTtlMs?: number;
}

interface OrderWire {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit: { tif: OrderParams['tif'] } };
  c: Hex | undefined;
}

/**
 * A signing key made ready once: its viem local account and the SDK client signing with it. The
 * account keeps the key in a closure (not a property), so a signer never prints or serializes it.
 * Hold one per agent for as long as that agent is in use, and drop it when the agent changes.
 */
export interface ExchangeSigner {
  readonly address: Hex;
  readonly sdk: ExchangeClient;
  /** Drops the key from the signing thread (the signer still signs, on the caller's thread). */
  release(): void;
}

/**
 * What a request waits for between its signing and its sending (`orders`' `sendAfter`), carried
 * from the call through the SDK to the transport.
 */
const sendGate = new AsyncLocalStorage<Promise<unknown>>();

/** `sendAfter` rejected: the request was signed but never sent. */
class NotSentError extends Error {}

/** A raw key (a viem account is built for the call, then dropped) or a prepared ExchangeSigner. */
export type SigningKey = Hex | ExchangeSigner;

type StatusEntry = { filled?: { totalSz: string; avgPx: string; oid: number; cloid?: Hex } } & {
  resting?: { oid: number; cloid?: Hex };
  error?: string;
};

/**
 * Signed `POST /exchange` actions with agent (API wallet) keys, on the SDK's ExchangeClient: a
 * call is given a raw key (its viem account is built for that call only) or an ExchangeSigner
 * from `signer()` (built once: key derivation is the costly part of a small order; its signatures
 * are computed on a worker thread, SigningThread), and
 * reserves its weight in the shared budget at the highest priority before it is sent (the
 * reservations of one event-loop turn are merged into one: CoalescingBudget). Failures
 * come out typed: ExchangeOutcomeUnknownError (5xx, timeout, reset: resolve with orderStatus),
 * ExchangeRateLimitedError (429), ExchangeRequestError (other refusals before execution).
 * Order- and action-level refusals are answers, not exceptions (`kind: 'error'`).
 */
export class HyperliquidExchangeClient {
  private readonly transport: HttpTransport;
  private readonly metaTtlMs: number;
  private assets: Map<string, AssetInfo> | undefined;
  private assetsAt = 0;

  private readonly budget: WeightBudget;
  private readonly signing = new SigningThread();

  constructor(
    budget: WeightBudget,
    private readonly directory: AssetDirectory,
    opts: ExchangeClientOptions,
  ) {
    this.budget = new CoalescingBudget(budget);
    const apiUrl = opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`;
    this.transport = new HttpTransport({ apiUrl, timeout: opts.timeoutMs ?? 10_000, isTestnet: opts.isTestnet ?? false });
    this.metaTtlMs = opts.metaTtlMs ?? 600_000;
    const request = this.transport.request.bind(this.transport);
    this.transport.request = (async (endpoint: Parameters<typeof request>[0], payload: unknown, signal?: AbortSignal) => {
      const gate = sendGate.getStore();
      if (gate) await gate.catch((err: unknown) => Promise.reject(new NotSentError(err instanceof Error ? err.message : String(err))));
      return request(endpoint, payload as never, signal);
    }) as typeof this.transport.request;
  }

  /**
   * The signer of `key` (its viem account, derived once, and an SDK client on it), for callers
   * that send many actions with one key. Throws ExchangeRequestError, without the key, when it is
   * malformed.
   */
  signer(key: Hex): ExchangeSigner {
    const account = localAccount(key);
    const { wallet, release } = this.signing.wallet(key, account);
    return { address: account.address.toLowerCase() as Hex, sdk: new ExchangeClient({ transport: this.transport, wallet }), release };
  }

  /** Raw keys sign with a viem account built for the call. */
  private oneOff(key: Hex): ExchangeClient {
    return new ExchangeClient({ transport: this.transport, wallet: localAccount(key) });
  }

  /** Coin → asset index, szDecimals, maxLeverage (from `meta`, cached; an unknown coin re-reads it once). */
  async asset(coin: string, signal?: AbortSignal): Promise<AssetInfo> {
    const fresh = this.assets && Date.now() - this.assetsAt < this.metaTtlMs;
    let found = fresh ? this.assets!.get(coin) : undefined;
    if (!found) {
      await this.refreshAssets(signal);
      found = this.assets!.get(coin);
    }
    if (!found) throw new UnknownCoinError(coin);
    return found;
  }

  private async refreshAssets(signal?: AbortSignal): Promise<void> {
    const meta = await this.directory.meta(signal);
    this.assets = new Map(
      meta.items.map((m) => [m.name, { coin: m.name, asset: m.assetId, szDecimals: m.szDecimals, maxLeverage: m.maxLeverage }]),
    );
    this.assetsAt = Date.now();
  }

  /** One order signed by `agentKey` for `master`'s account (`sendAfter`: see `orders`). */
  async order(agentKey: SigningKey, master: Hex, params: OrderParams, signal?: AbortSignal, sendAfter?: Promise<unknown>): Promise<OrderOutcome> {
    const [outcome] = await this.orders(agentKey, master, [params], signal, sendAfter);
    return outcome;
  }

  /**
   * A batch of orders in one request (one weight, n on the address allowance); one outcome per
   * order. With `sendAfter`, the request is reserved and signed at once but goes out only once
   * that promise resolves (a journal write in flight); if it rejects, nothing is sent and the
   * call fails with ExchangeRequestError.
   */
  async orders(
    agentKey: SigningKey,
    master: Hex,
    params: readonly OrderParams[],
    signal?: AbortSignal,
    sendAfter?: Promise<unknown>,
  ): Promise<OrderOutcome[]> {
    const orders: OrderWire[] = [];
    for (const p of params) {
      const { asset } = await this.asset(p.coin, signal);
      orders.push({ a: asset, b: p.isBuy, p: p.price, s: p.size, r: p.reduceOnly, t: { limit: { tif: p.tif } }, c: p.cloid });
    }
    const raw = await this.send(agentKey, master, 'order', orders.length, signal, (x) => x.order({ orders, grouping: 'na' }, { signal }), sendAfter);
    if (raw.kind === 'refused') return params.map(() => ({ kind: 'error', message: raw.message, actionRejected: true }));
    const statuses = statusesOf(raw.response);
    return params.map((_, i) => orderOutcome(statuses[i]));
  }

  async cancel(agentKey: SigningKey, master: Hex, coin: string, oid: number, signal?: AbortSignal): Promise<ActionOutcome> {
    const { asset } = await this.asset(coin, signal);
    return this.statusAction(agentKey, master, 'cancel', signal, (x) => x.cancel({ cancels: [{ a: asset, o: oid }] }, { signal }));
  }

  async cancelByCloid(agentKey: SigningKey, master: Hex, coin: string, cloid: Hex, signal?: AbortSignal): Promise<ActionOutcome> {
    const { asset } = await this.asset(coin, signal);
    return this.statusAction(agentKey, master, 'cancelByCloid', signal, (x) => x.cancelByCloid({ cancels: [{ asset, cloid }] }, { signal }));
  }

  async updateLeverage(agentKey: SigningKey, master: Hex, coin: string, leverage: number, isCross: boolean, signal?: AbortSignal): Promise<ActionOutcome> {
    const { asset } = await this.asset(coin, signal);
    const raw = await this.send(agentKey, master, 'updateLeverage', 1, signal, (x) => x.updateLeverage({ asset, isCross, leverage }, { signal }));
    return raw.kind === 'refused' ? { kind: 'error', message: raw.message, actionRejected: true } : { kind: 'ok' };
  }

  /**
   * `approveAgent` signed by the account owner's key (user-signed EIP-712). The app never holds an
   * owner's key; this is for onboarding tools and tests.
   */
  async approveAgent(ownerKey: Hex, agentAddress: Hex, agentName: string | null, signal?: AbortSignal): Promise<ActionOutcome> {
    const owner = localAccount(ownerKey).address.toLowerCase() as Hex;
    const raw = await this.send(ownerKey, owner, 'approveAgent', 1, signal, (x) => x.approveAgent({ agentAddress, agentName }, { signal }));
    return raw.kind === 'refused' ? { kind: 'error', message: raw.message, actionRejected: true } : { kind: 'ok' };
  }

  private async statusAction(
    agentKey: SigningKey,
    master: Hex,
    action: string,
    signal: AbortSignal | undefined,
    call: (x: ExchangeClient) => Promise<unknown>,
  ): Promise<ActionOutcome> {
    const raw = await this.send(agentKey, master, action, 1, signal, call);
    if (raw.kind === 'refused') return { kind: 'error', message: raw.message, actionRejected: true };
    const status = statusesOf(raw.response)[0] as unknown;
    if (status && typeof status === 'object' && typeof (status as { error?: unknown }).error === 'string') {
      return { kind: 'error', message: (status as { error: string }).error, actionRejected: false };
    }
    return { kind: 'ok' };
  }

  /**
   * Reserve, sign, send. Resolves with the raw answer (an SDK ApiRequestError is an answer too:
   * its `response` is what the exchange said), or `refused` for a `status:"err"` action refusal.
   */
  private async send(
    key: SigningKey,
    master: Hex,
    action: string,
    batchLength: number,
    signal: AbortSignal | undefined,
    call: (x: ExchangeClient) => Promise<unknown>,
    sendAfter?: Promise<unknown>,
  ): Promise<{ kind: 'answered'; response: unknown } | { kind: 'refused'; message: string }> {
    sendAfter?.catch(() => undefined); // a rejection is handled below, whether or not the request got that far
    const client = typeof key === 'string' ? this.oneOff(key) : key.sdk;
    const priority: Priority = 'high';
    const weight = exchangeRequestWeight(batchLength);
    // Reserved while the request is signed: it goes out once the weight is granted (and sendAfter).
    const reserving = this.budget.reserve(weight, priority, signal);
    reserving.catch(() => undefined);
    const gate = sendAfter ? Promise.all([reserving, sendAfter]) : reserving;
    try {
      const response = await sendGate.run(gate, () => call(client));
      await this.budget.reportSuccess();
      return { kind: 'answered', response };
    } catch (err) {
      if (err instanceof exchangeApi.ApiRequestError) {
        await this.budget.reportSuccess();
        const response = err.response as { status?: unknown; response?: unknown };
        if (response?.status === 'err') return { kind: 'refused', message: String(response.response) };
        return { kind: 'answered', response: err.response };
      }
      const reservation = await reserving.catch(() => null);
      if (!reservation) return Promise.reject(await reserving.then(() => err, (reason: unknown) => reason)); // not granted (aborted): nothing sent
      throw await this.transportFailure(err, action, master, reservation);
    }
  }

  private async transportFailure(err: unknown, action: string, master: Hex, reservation: { settle(w: number): Promise<void> }): Promise<Error> {
    if (err instanceof NotSentError) {
      await reservation.settle(0);
      return new ExchangeRequestError(`${action} for ${master} not sent: ${err.message}`, null);
    }
    if (err instanceof ValidationError) {
      await reservation.settle(0);
      return new ExchangeRequestError(`${action} refused before sending: ${err.message}`, null);
    }
    const status = err instanceof HttpRequestError ? (err.response?.status ?? null) : null;
    if (status === 429) {
      await this.budget.report429();
      return new ExchangeRateLimitedError(`${action} for ${master}: exchange answered 429`);
    }
    if (status !== null && status >= 400 && status < 500) {
      return new ExchangeRequestError(`${action} for ${master}: exchange answered ${status}`, status);
    }
    const detail = err instanceof TransportError || err instanceof Error ? err.message : String(err);
    return new ExchangeOutcomeUnknownError(`${action} for ${master}: outcome unknown (${detail})`, status);
  }
}

/** A viem local account; a malformed key fails without echoing it (keys never reach errors or logs). */
function localAccount(key: Hex): ReturnType<typeof privateKeyToAccount> {
  try {
    return privateKeyToAccount(key);
  } catch {
    throw new ExchangeRequestError('the signing key is not a valid secp256k1 private key', null);
  }
}

function statusesOf(response: unknown): unknown[] {
  const data = (response as { response?: { data?: { statuses?: unknown } } } | undefined)?.response?.data;
  return Array.isArray(data?.statuses) ? data.statuses : [];
}

function orderOutcome(raw: unknown): OrderOutcome {
  const s = (raw ?? {}) as StatusEntry;
  if (s.filled) return dropUndefined({ kind: 'filled', oid: s.filled.oid, totalSz: s.filled.totalSz, avgPx: s.filled.avgPx, cloid: s.filled.cloid });
  if (s.resting) return dropUndefined({ kind: 'resting', oid: s.resting.oid, cloid: s.resting.cloid });
  if (typeof s.error === 'string') return { kind: 'error', message: s.error, actionRejected: false };
  return { kind: 'error', message: `unexpected order status ${JSON.stringify(raw)}`, actionRejected: false };
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
