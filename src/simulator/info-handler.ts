import type { Market } from './market';
import type { WeightLimiter } from './weights';
import { requestWeight } from './weights';
import {
  allMidsView,
  assetCtxsView,
  clearinghouseStateView,
  metaView,
  leaderboardView,
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
  userRole: (m, b) => ({ data: userRoleView(m.trader(address(b))) }),
};

export const SUPPORTED_INFO_TYPES: readonly string[] = Object.keys(HANDLERS);

interface Failure {
  status: 429 | 500;
  remaining: number;
  until: number;
  client: string | undefined;
}

/**
 * /info: validation (bad JSON → 400, unknown type or bad parameters → 422), injected failures,
 * per-client weight (429 when the request's whole weight, including its per-item part, does not
 * fit the rolling window; a refused request consumes nothing), then the answer.
 */
export class InfoService {
  readonly requestsByType: Record<string, number> = {};
  requests = 0;
  badRequests = 0;
  injectedFailures = 0;
  delayed = 0;
  leaderboardRequests = 0;
  private failure: Failure | undefined;
  private slow: { delayMs: number; until: number } | undefined;

  constructor(
    private readonly market: () => Market,
    private readonly limiter: WeightLimiter,
    private readonly clock: () => number = Date.now,
  ) {}

  failNext(status: 429 | 500, count: number | undefined, forMs: number | undefined, client: string | undefined): void {
    const remaining = count ?? (forMs === undefined ? 1 : Infinity);
    const until = forMs === undefined ? Infinity : this.clock() + forMs;
    this.failure = { status, remaining, until, client };
  }

  slowDown(delayMs: number, forMs: number | undefined): void {
    this.slow = delayMs > 0 ? { delayMs, until: forMs === undefined ? Infinity : this.clock() + forMs } : undefined;
  }

  /** The public leaderboard file (stats-data, not /info: no weight, counted apart). */
  leaderboard(): { leaderboardRows: unknown[] } {
    this.leaderboardRequests++;
    return leaderboardView(this.market());
  }

  /** How long to hold the next response (0 = none). */
  currentDelay(): number {
    if (!this.slow) return 0;
    if (this.clock() >= this.slow.until) {
      this.slow = undefined;
      return 0;
    }
    this.delayed++;
    return this.slow.delayMs;
  }

  reset(): void {
    for (const k of Object.keys(this.requestsByType)) delete this.requestsByType[k];
    this.requests = 0;
    this.badRequests = 0;
    this.injectedFailures = 0;
    this.delayed = 0;
    this.failure = undefined;
    this.slow = undefined;
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
    const injected = this.takeFailure(client);
    if (injected) {
      this.injectedFailures++;
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

  private takeFailure(client: string): 429 | 500 | undefined {
    const f = this.failure;
    if (!f) return undefined;
    if (this.clock() >= f.until || f.remaining <= 0) {
      this.failure = undefined;
      return undefined;
    }
    if (f.client !== undefined && f.client !== client) return undefined;
    f.remaining--;
    return f.status;
  }
}
