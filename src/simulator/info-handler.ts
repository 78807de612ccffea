import { frontendOrderView } from './exchange-orders';
import { FaultKnobs } from './fault-knobs';
import { ADDRESS_BASE_REQUESTS } from './exchange-state';
import { formatBigScaled } from './format';
import type { Market } from './market';
import type { WeightLimiter } from './weights';
import { requestWeight } from './weights';
import {
  allMidsView,
  assetCtxsView,
  clearinghouseStateView,
  metaView,
  portfolioView,
  userFillsByTimeView,
  userFillsView,
  userFundingView,
  userRoleView,
} from './views';

/** The outcome of one /info request: HTTP status and either a JSON value (200) or a text body. */
export interface InfoOutcome {
  status: number;
  /** The answer for status 200. */
  data?: unknown;
  /** The error text otherwise. */
  error?: string;
}

class InvalidRequest extends Error {}

type Body = Record<string, unknown>;
interface Answer {
  data: unknown;
  items?: number;
  users?: number;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function address(body: Body, key = 'user'): string {
  const v = body[key];
  if (typeof v !== 'string' || !ADDRESS.test(v)) throw new InvalidRequest(`invalid ${key}`);
  return v.toLowerCase();
}

function time(body: Body, key: string, required: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new InvalidRequest(`missing ${key}`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InvalidRequest(`invalid ${key}`);
  return v;
}

/** A non-default perp dex (HIP-3): the simulator has none, so those answers are empty. */
function otherDex(body: Body): boolean {
  return typeof body.dex === 'string' && body.dex !== '';
}

const HANDLERS: Readonly<Record<string, (m: Market, b: Body) => Answer>> = {
  meta: (m, b) => ({ data: otherDex(b) ? { universe: [] } : metaView(m) }),
  metaAndAssetCtxs: (m, b) => ({ data: otherDex(b) ? [{ universe: [] }, []] : [metaView(m), assetCtxsView(m)] }),
  allMids: (m, b) => ({ data: otherDex(b) ? {} : allMidsView(m) }),
  clearinghouseState: (m, b) => {
    const user = address(b);
    return { data: clearinghouseStateView(m, otherDex(b) ? undefined : m.trader(user)) };
  },
  batchClearinghouseStates: (m, b) => {
    const users = b.users;
    if (!Array.isArray(users) || users.some((u) => typeof u !== 'string' || !ADDRESS.test(u))) {
      throw new InvalidRequest('invalid users');
    }
    return { data: users.map((u: string) => clearinghouseStateView(m, m.trader(u))), users: users.length };
  },
  userFills: (m, b) => {
    const data = userFillsView(m, m.trader(address(b)));
    return { data, items: data.length };
  },
  userFillsByTime: (m, b) => {
    const user = address(b);
    const data = userFillsByTimeView(m, m.trader(user), time(b, 'startTime', true)!, time(b, 'endTime', false));
    return { data, items: data.length };
  },
  portfolio: (m, b) => ({ data: portfolioView(m, m.trader(address(b))) }),
  userFunding: (m, b) => {
    const user = address(b);
    const data = userFundingView(m, m.trader(user), time(b, 'startTime', false) ?? 0, time(b, 'endTime', false));
    return { data, items: data.length };
  },
  userRole: (m, b) => {
    const user = address(b);
    const master = m.exchange.agentMaster(user, m.now());
    return { data: master ? { role: 'agent', data: { user: master } } : userRoleView(m.trader(user)) };
  },
  extraAgents: (m, b) => ({
    data: m.exchange.namedAgents(address(b), m.now()).map((a) => ({ name: a.name, address: a.address, validUntil: a.validUntil })),
  }),
  userRateLimit: (m, b) => {
    const user = address(b);
    const volumeMicro = m.trader(user)?.volumeMicro ?? 0n;
    return {
      data: {
        cumVlm: formatBigScaled(volumeMicro, 6),
        nRequestsUsed: m.exchange.requestsUsed(user),
        nRequestsCap: ADDRESS_BASE_REQUESTS + Number(volumeMicro / 1_000_000n),
        nRequestsSurplus: 0,
      },
    };
  },
  orderStatus: (m, b) => {
    const user = address(b);
    const id = b.oid;
    const order =
      typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
        ? m.exchange.orders.get(id)
        : typeof id === 'string' && /^0x[0-9a-fA-F]{32}$/.test(id)
          ? m.exchange.orderByCloid(user, id.toLowerCase())
          : invalid('oid');
    if (!order || order.user !== user) return { data: { status: 'unknownOid' } };
    return { data: { status: 'order', order: { order: frontendOrderView(m, order), status: order.status, statusTimestamp: order.statusTimestamp } } };
  },
};

function invalid(what: string): never {
  throw new InvalidRequest(`invalid ${what}`);
}

export const SUPPORTED_INFO_TYPES: readonly string[] = Object.keys(HANDLERS);

/**
 * /info: validation (bad JSON → 400, unknown type or bad parameters → 422), injected failures,
 * per-client weight (429 when the request's whole weight, including its per-item part, does not
 * fit the rolling window; a refused request consumes nothing), then the answer.
 */
export class InfoService {
  readonly requestsByType: Record<string, number> = {};
  requests = 0;
  badRequests = 0;
  readonly faults: FaultKnobs;

  constructor(
    private readonly market: () => Market,
    private readonly limiter: WeightLimiter,
    clock: () => number = Date.now,
  ) {
    this.faults = new FaultKnobs(clock);
  }

  get injectedFailures(): number {
    return this.faults.injectedFailures;
  }

  get delayed(): number {
    return this.faults.delayed;
  }

  failNext(status: 429 | 500, count: number | undefined, forMs: number | undefined, client: string | undefined): void {
    this.faults.failNext(status, count, forMs, client);
  }

  slowDown(delayMs: number, forMs: number | undefined): void {
    this.faults.slowDown(delayMs, forMs);
  }

  /** How long to hold the next response (0 = none). */
  currentDelay(): number {
    return this.faults.currentDelay();
  }

  reset(): void {
    for (const k of Object.keys(this.requestsByType)) delete this.requestsByType[k];
    this.requests = 0;
    this.badRequests = 0;
    this.faults.reset();
  }

  /** Parse a raw HTTP body and answer it. */
  handleRaw(client: string, raw: string): InfoOutcome {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      this.requests++;
      this.badRequests++;
      return { status: 400, error: 'Failed to parse the request body as JSON' };
    }
    return this.handle(client, body);
  }

  handle(client: string, body: unknown): InfoOutcome {
    this.requests++;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.badRequests++;
      return { status: 422, error: 'Failed to deserialize the JSON body into the target type' };
    }
    const b = body as Body;
    const type = b.type;
    const handler = typeof type === 'string' && Object.prototype.hasOwnProperty.call(HANDLERS, type) ? HANDLERS[type] : undefined;
    if (!handler || typeof type !== 'string') {
      this.badRequests++;
      return { status: 422, error: `Failed to deserialize the JSON body into the target type: unknown variant \`${String(type)}\`` };
    }
    this.requestsByType[type] = (this.requestsByType[type] ?? 0) + 1;
    const injected = this.faults.take(client)?.status;
    if (injected) {
      this.faults.injectedFailures++;
      return { status: injected, error: injected === 429 ? '' : 'Internal Server Error' };
    }
    let answer: Answer;
    try {
      answer = handler(this.market(), b);
    } catch (e) {
      if (!(e instanceof InvalidRequest)) throw e;
      this.badRequests++;
      return { status: 422, error: `Failed to deserialize the JSON body into the target type: ${e.message}` };
    }
    const weight = requestWeight(type, { items: answer.items, users: answer.users });
    if (!this.limiter.tryConsume(client, weight)) return { status: 429, error: '' };
    return { status: 200, data: answer.data };
  }
}
