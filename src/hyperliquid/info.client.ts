import { sleep } from '../common/timers';
import { fullJitterDelay } from './backoff';
import type {
  Fill,
  ParsedAccountState,
  ParsedList,
  ParsedPortfolio,
  ParsedUserRole,
  PerpMeta,
} from './hyperliquid.types';
import { parseClearinghouseState, parsePortfolio, parseUserRole } from './account-parsers';
import type { ExtraAgent, Hex, OrderStatusResult, UserRateLimit } from './exchange.types';
import { parseExtraAgents, parseOrderStatus, parseUserRateLimit } from './exchange-parsers';
import { parseFills } from './fill-parsers';
import { parseMeta } from './market-parsers';
import { actualWeight, InfoRequestBody, maxWeight } from './weights';

export type Priority = 'high' | 'low';

/** What the info client needs from the shared budget (implemented by rate-budget/RateBudget). */
export interface WeightBudget {
  reserve(weight: number, priority?: Priority, signal?: AbortSignal): Promise<{ settle(actual: number): Promise<void> }>;
  report429(): Promise<void>;
  reportSuccess(): Promise<void>;
}

export interface InfoClientOptions {
  infoUrl: string;
  timeoutMs?: number;
  /** Attempts for network errors and 5xx (429s are retried for as long as it takes). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

export class InfoRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'InfoRequestError';
  }
}

export interface InfoClientStats {
  requests: number;
  rateLimited: number;
  failures: number;
  byType: Record<string, number>;
}

/**
 * `POST /info` with every request paid for in the shared weight budget first: the worst-case
 * weight is reserved, then settled to the real weight once the item count is known. A 429 pauses
 * the whole budget (every process) and the request is retried, never dropped.
 */
export class HyperliquidInfoClient {
  readonly stats: InfoClientStats = { requests: 0, rateLimited: 0, failures: 0, byType: {} };
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;

  constructor(
    private readonly budget: WeightBudget,
    private readonly opts: InfoClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.backoffBaseMs = opts.backoffBaseMs ?? 250;
    this.backoffCapMs = opts.backoffCapMs ?? 5_000;
  }

  meta(signal?: AbortSignal): Promise<ParsedList<PerpMeta>> {
    return this.request({ type: 'meta' }, parseMeta, { priority: 'high', signal });
  }

  clearinghouseState(user: string, priority: Priority = 'high', signal?: AbortSignal): Promise<ParsedAccountState> {
    return this.request({ type: 'clearinghouseState', user }, parseClearinghouseState, { priority, signal });
  }

  userRole(user: string, signal?: AbortSignal): Promise<ParsedUserRole> {
    return this.request({ type: 'userRole', user }, parseUserRole, { priority: 'low', signal });
  }

  /** Whether an order went out, by oid or cloid (`user` = the master). High priority: the copy engine waits on it. */
  orderStatus(user: string, oidOrCloid: number | Hex, signal?: AbortSignal): Promise<OrderStatusResult> {
    return this.request({ type: 'orderStatus', user, oid: oidOrCloid }, parseOrderStatus, { priority: 'high', signal });
  }

  /** The master's named agents (API wallets). */
  extraAgents(user: string, signal?: AbortSignal): Promise<ExtraAgent[]> {
    return this.request({ type: 'extraAgents', user }, parseExtraAgents, { priority: 'high', signal });
  }

  /** The per-address request allowance: 10,000 + 1 per USDC traded. */
  userRateLimit(user: string, signal?: AbortSignal): Promise<UserRateLimit> {
    return this.request({ type: 'userRateLimit', user }, parseUserRateLimit, { priority: 'low', signal });
  }

  portfolio(user: string, signal?: AbortSignal): Promise<ParsedPortfolio> {
    return this.request({ type: 'portfolio', user }, parsePortfolio, { priority: 'low', signal });
  }

  userFillsByTime(user: string, startTime: number, endTime?: number, signal?: AbortSignal): Promise<ParsedList<Fill>> {
    const body: InfoRequestBody = { type: 'userFillsByTime', user, startTime };
    if (endTime !== undefined) body.endTime = endTime;
    return this.request(body, parseFills, { priority: 'low', signal, countItems: true });
  }

  /** Any info request: reserve, send, settle, parse; 429 → shared pause and retry. */
  async request<T>(
    body: InfoRequestBody,
    parse: (raw: unknown) => T,
    opts: { priority?: Priority; signal?: AbortSignal; countItems?: boolean } = {},
  ): Promise<T> {
    const priority = opts.priority ?? 'high';
    let failures = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const reservation = await this.budget.reserve(maxWeight(body), priority, opts.signal);
      let raw: unknown;
      let status: number | null = null;
      try {
        this.stats.requests++;
        this.stats.byType[body.type] = (this.stats.byType[body.type] ?? 0) + 1;
        const res = await fetch(this.opts.infoUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        if (res.status === 429) {
          await reservation.settle(actualWeight(body, 0));
          this.stats.rateLimited++;
          await this.budget.report429();
          continue;
        }
        if (!res.ok) {
          const text = (await res.text().catch(() => '')).slice(0, 200);
          throw new InfoRequestError(`info ${body.type} answered ${res.status}: ${text}`, res.status);
        }
        raw = await res.json();
      } catch (err) {
        opts.signal?.throwIfAborted();
        await reservation.settle(actualWeight(body, 0));
        this.stats.failures++;
        failures++;
        const retriable = status === null || status >= 500;
        if (!retriable || failures >= this.maxAttempts) {
          throw err instanceof InfoRequestError
            ? err
            : new InfoRequestError(`info ${body.type} failed: ${err instanceof Error ? err.message : String(err)}`, status);
        }
        await sleep(fullJitterDelay(failures, this.backoffBaseMs, this.backoffCapMs), opts.signal);
        continue;
      }
      const items = opts.countItems && Array.isArray(raw) ? raw.length : 0;
      await reservation.settle(actualWeight(body, items));
      await this.budget.reportSuccess();
      return parse(raw);
    }
  }
}

