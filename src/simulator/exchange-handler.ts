import { DEFAULT_AGENT_VALIDITY_MS, ADDRESS_BASE_REQUESTS } from './exchange-state';
import { type DepthKnob, OrderEngine, type WireOrder } from './exchange-orders';
import { parseWithSchema, sdkExchange, ValidationError } from './exchange-sdk';
import { FaultKnobs } from './fault-knobs';
import { recoverL1Signer, recoverUserSignedSigner, type WireSignature } from './exchange-signature';
import type { Market } from './market';
import type { TraderState } from './state';
import type { WeightLimiter } from './weights';

/** The outcome of one /exchange request: HTTP status and a JSON answer (200) or a text body. */
export interface ExchangeOutcome {
  status: number;
  data?: unknown;
  error?: string;
}

const DESERIALIZE = 'Failed to deserialize the JSON body into the target type';

/** The SDK's request schema of each supported action. */
const SCHEMAS = {
  order: sdkExchange.OrderRequest,
  cancel: sdkExchange.CancelRequest,
  cancelByCloid: sdkExchange.CancelByCloidRequest,
  updateLeverage: sdkExchange.UpdateLeverageRequest,
  approveAgent: sdkExchange.ApproveAgentRequest,
} as const;
type ActionType = keyof typeof SCHEMAS;

export const SUPPORTED_EXCHANGE_ACTIONS: readonly string[] = Object.keys(SCHEMAS);

/** Weight of an /exchange request on the per-IP budget: 1 + floor(batch length / 40). */
export function exchangeWeight(batchLength: number): number {
  return 1 + Math.floor(batchLength / 40);
}

interface Envelope {
  action: Record<string, unknown> & { type: ActionType };
  nonce: number;
  signature: WireSignature;
  vaultAddress?: `0x${string}`;
  expiresAfter?: number;
}

const ok = (response: unknown): ExchangeOutcome => ({ status: 200, data: { status: 'ok', response } });
const refused = (text: string): ExchangeOutcome => ({ status: 200, data: { status: 'err', response: text } });

function batchLength(action: Envelope['action']): number {
  const list = action.type === 'order' ? action.orders : action.type === 'cancel' || action.type === 'cancelByCloid' ? action.cancels : undefined;
  return Array.isArray(list) ? list.length : 1;
}

/**
 * POST /exchange: the SDK's request schema (422 otherwise), injected failures, per-IP weight (429),
 * the signer recovered from the signature (never trusted from the body), its nonce, the master's
 * request allowance, then the action. A 500 `afterExecute` executes first, then fails the answer
 * (the outcome-unknown case a client must resolve with orderStatus).
 */
export class ExchangeService {
  readonly requestsByAction: Record<string, number> = {};
  requests = 0;
  badRequests = 0;
  readonly faults: FaultKnobs;
  private readonly depth: DepthKnob = { limit: undefined };

  constructor(
    private readonly market: () => Market,
    private readonly limiter: WeightLimiter,
    clock: () => number = Date.now,
  ) {
    this.faults = new FaultKnobs(clock);
  }

  private engine(): OrderEngine {
    return new OrderEngine(this.market(), this.depth);
  }

  /** Fill the resting orders the book now crosses (after the mark moved). */
  matchResting(): number {
    return this.market().exchange.open.size === 0 ? 0 : this.engine().matchResting();
  }

  setDepth(coin: number | undefined, sz: number | undefined, count: number | undefined): void {
    this.depth.limit = sz === undefined ? undefined : { coin, sz, remaining: count ?? Infinity };
  }

  reset(): void {
    for (const k of Object.keys(this.requestsByAction)) delete this.requestsByAction[k];
    this.requests = 0;
    this.badRequests = 0;
    this.faults.reset();
    this.depth.limit = undefined;
  }

  /** `arrivedAt`: when the request reached the server (what `exchangeOrders` reports as `receivedAt`). */
  async handleRaw(client: string, raw: string, arrivedAt = Date.now()): Promise<ExchangeOutcome> {
    this.requests++;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      this.badRequests++;
      return { status: 422, error: DESERIALIZE };
    }
    const type = (body as { action?: { type?: unknown } } | null)?.action?.type;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMAS, type)) {
      this.badRequests++;
      return { status: 422, error: `${DESERIALIZE}: unknown variant \`${String(type)}\`` };
    }
    let env: Envelope;
    try {
      env = parseWithSchema(SCHEMAS[type as ActionType], body) as unknown as Envelope;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      this.badRequests++;
      return { status: 422, error: `${DESERIALIZE}: ${e.message}` };
    }
    this.requestsByAction[type] = (this.requestsByAction[type] ?? 0) + 1;
    const injected = this.faults.take(client);
    if (injected && !injected.afterExecute) {
      this.faults.injectedFailures++;
      return { status: injected.status, error: injected.status === 429 ? '' : 'Internal Server Error' };
    }
    if (!this.limiter.tryConsume(client, exchangeWeight(batchLength(env.action)))) return { status: 429, error: '' };
    const outcome = await this.execute(env, arrivedAt);
    if (injected) {
      this.faults.injectedFailures++;
      return { status: 500, error: 'Internal Server Error' };
    }
    return outcome;
  }

  private async execute(env: Envelope, arrivedAt: number): Promise<ExchangeOutcome> {
    const m = this.market();
    const now = m.now();
    const isUserSigned = env.action.type === 'approveAgent';
    const signer = isUserSigned
      ? await recoverUserSignedSigner({
          action: { ...env.action, agentName: env.action.agentName ?? '' } as unknown as Envelope['action'] & { signatureChainId: string },
          types: sdkExchange.ApproveAgentTypes,
          signature: env.signature,
        })
      : await recoverL1Signer({ ...env, action: env.action });
    const master = isUserSigned ? signer : (m.exchange.agentMaster(signer, now) ?? (m.trader(signer) ? signer : undefined));
    const account = master === undefined ? undefined : m.trader(master);
    if (!account) {
      return refused(isUserSigned ? `Must deposit before performing actions. User: ${signer}` : `User or API Wallet ${signer} does not exist.`);
    }
    if (env.vaultAddress) return refused(`Vault not registered: ${env.vaultAddress}`);
    if (env.expiresAfter !== undefined && now > env.expiresAfter) return refused(`Action expired: expiresAfter ${env.expiresAfter} is before ${now}`);
    if (isUserSigned && env.action.nonce !== env.nonce) return refused('Invalid nonce: the action nonce differs from the request nonce');
    const nonceError = m.exchange.useNonce(signer, env.nonce, now);
    if (nonceError) return refused(nonceError);
    const cap = ADDRESS_BASE_REQUESTS + Math.floor(Number(account.volumeMicro / 1_000_000n));
    if (!m.exchange.chargeAddress(account.address, batchLength(env.action), cap, now)) {
      const used = m.exchange.requestsUsed(account.address);
      return refused(`Too many cumulative requests sent (${used} > ${cap}) for cumulative volume traded $${(Number(account.volumeMicro) / 1e6).toFixed(2)}.`);
    }
    return this.dispatch(m, account, signer, env.action, arrivedAt);
  }

  private dispatch(m: Market, account: TraderState, signer: string, action: Envelope['action'], arrivedAt: number): ExchangeOutcome {
    const now = m.now();
    const engine = this.engine();
    switch (action.type) {
      case 'order': {
        const statuses = (action.orders as WireOrder[]).map((o) => {
          const status = engine.place(account, o);
          this.logReceived(m, account, signer, o, status, arrivedAt);
          return status;
        });
        return ok({ type: 'order', data: { statuses } });
      }
      case 'cancel': {
        const cancels = action.cancels as Array<{ a: number; o: number }>;
        return ok({ type: 'cancel', data: { statuses: cancels.map((c) => engine.cancel(account, c.a, m.exchange.orders.get(c.o))) } });
      }
      case 'cancelByCloid': {
        const cancels = action.cancels as Array<{ asset: number; cloid: string }>;
        const statuses = cancels.map((c) => engine.cancel(account, c.asset, m.exchange.orderByCloid(account.address, c.cloid)));
        return ok({ type: 'cancel', data: { statuses } });
      }
      case 'updateLeverage': {
        const spec = m.coins[action.asset as number];
        const leverage = action.leverage as number;
        if (!spec) return refused(`Invalid asset ${String(action.asset)}.`);
        if (!Number.isInteger(leverage) || leverage < 1 || leverage > spec.maxLeverage) return refused('Invalid leverage value');
        account.leverage[spec.index] = leverage;
        return ok({ type: 'default' });
      }
      case 'approveAgent': {
        const raw = (action.agentName as string | null | undefined) ?? '';
        const until = / valid_until (\d+)$/.exec(raw);
        const name = until ? raw.slice(0, until.index) : raw;
        const agent = (action.agentAddress as string).toLowerCase();
        const holder = m.exchange.agents.get(agent);
        if (holder && holder.master !== account.address) return refused(`Agent address ${agent} is already used.`);
        if (m.trader(agent)) return refused(`Agent address ${agent} is already a user.`);
        m.exchange.approve(account.address, agent, name, until ? Number(until[1]) : now + DEFAULT_AGENT_VALIDITY_MS);
        return ok({ type: 'default' });
      }
    }
  }

  private logReceived(m: Market, account: TraderState, signer: string, o: WireOrder, status: ReturnType<OrderEngine['place']>, arrivedAt: number): void {
    const spec = m.coins[o.a];
    const filled = 'filled' in status ? status.filled : undefined;
    const resting = 'resting' in status ? status.resting : undefined;
    m.exchange.logReceived({
      receivedAt: arrivedAt,
      user: account.address,
      signer,
      coin: spec?.name ?? String(o.a),
      isBuy: o.b,
      px: o.p,
      sz: o.s,
      reduceOnly: o.r,
      tif: 'limit' in o.t ? o.t.limit.tif : 'trigger',
      cloid: o.c ?? null,
      outcome: filled ? 'filled' : resting ? 'resting' : 'error' in status ? status.error : 'unknown',
      oid: filled?.oid ?? resting?.oid ?? null,
    });
  }
}
