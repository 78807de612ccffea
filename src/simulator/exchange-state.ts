import type { ExchangeOrderReceived } from './types';

/**
 * What the simulated exchange remembers about signed actions: agents (API wallets), nonces per
 * signer, orders (for orderStatus, by oid and by cloid), the per-address request allowance and a
 * log of every order received (for tests: "no cloid twice"). One per Market, so `reset` clears it.
 */

export const NONCES_KEPT = 100;
export const NONCE_PAST_MS = 2 * 86_400_000;
export const NONCE_FUTURE_MS = 86_400_000;
/** Per-address allowance: 10,000 requests + 1 per USDC traded; once used up, one request per 10 s. */
export const ADDRESS_BASE_REQUESTS = 10_000;
export const EXHAUSTED_INTERVAL_MS = 10_000;
/** A named agent without ` valid_until` (our choice: the exchange's default is undocumented). */
export const DEFAULT_AGENT_VALIDITY_MS = 180 * 86_400_000;

export interface AgentRecord {
  address: string;
  master: string;
  /** '' for the unnamed agent. */
  name: string;
  validUntil: number;
}

export type OrderTifName = 'Gtc' | 'Ioc' | 'Alo' | 'FrontendMarket';

export interface OrderRecord {
  oid: number;
  user: string;
  coin: number;
  isBuy: boolean;
  limitPx: string;
  pxInt: number;
  origUnits: number;
  remainingUnits: number;
  reduceOnly: boolean;
  tif: OrderTifName;
  cloid: string | null;
  timestamp: number;
  status: string;
  statusTimestamp: number;
}

/** One order as it reached /exchange (accepted or not). */
export type ReceivedOrder = ExchangeOrderReceived;

export class ExchangeState {
  /** agent address → record. */
  readonly agents = new Map<string, AgentRecord>();
  /** signer → its highest nonces, ascending (at most NONCES_KEPT). */
  private readonly nonces = new Map<string, number[]>();
  readonly orders = new Map<number, OrderRecord>();
  /** user → cloid → oid. */
  private readonly cloids = new Map<string, Map<string, number>>();
  /** master → requests counted against its allowance. */
  private readonly used = new Map<string, number>();
  private readonly lastWhenExhausted = new Map<string, number>();
  /** Taker oid → cloid, so userFills can show the cloid. */
  readonly cloidByOid = new Map<number, string>();
  readonly received: ReceivedOrder[] = [];
  private readonly receivedCloids = new Set<string>();
  duplicateCloids = 0;

  /** The master an agent acts for, if it is approved and not expired. */
  agentMaster(address: string, now: number): string | undefined {
    const a = this.agents.get(address);
    return a && a.validUntil > now ? a.master : undefined;
  }

  /** Approve (or replace) an agent. The unnamed slot and each name hold one agent; the replaced one is pruned. */
  approve(master: string, address: string, name: string, validUntil: number): void {
    for (const [addr, a] of this.agents) {
      if (a.master === master && a.name === name) this.agents.delete(addr);
    }
    this.agents.set(address, { address, master, name, validUntil });
  }

  /** The master's named agents still valid at `now` (expired ones are pruned, as on the exchange). */
  namedAgents(master: string, now: number): AgentRecord[] {
    return [...this.agents.values()].filter((a) => a.master === master && a.name !== '' && a.validUntil > now);
  }

  /**
   * The nonce rules: new, greater than the smallest of the signer's 100 highest once that many are
   * kept, within (now − 2 days, now + 1 day). Returns the refusal text, or undefined (and records it).
   */
  useNonce(signer: string, nonce: number, now: number): string | undefined {
    if (nonce <= now - NONCE_PAST_MS || nonce >= now + NONCE_FUTURE_MS) return `Invalid nonce: nonce ${nonce} is too far from the current time ${now}`;
    const kept = this.nonces.get(signer) ?? [];
    if (kept.includes(nonce)) return `Invalid nonce: duplicate nonce ${nonce}`;
    if (kept.length >= NONCES_KEPT && nonce <= kept[0]) return `Invalid nonce: nonce ${nonce} is lower than the smallest of the ${NONCES_KEPT} highest nonces used (${kept[0]})`;
    let i = kept.length;
    while (i > 0 && kept[i - 1] > nonce) i--;
    kept.splice(i, 0, nonce);
    if (kept.length > NONCES_KEPT) kept.shift();
    this.nonces.set(signer, kept);
    return undefined;
  }

  requestsUsed(master: string): number {
    return this.used.get(master) ?? 0;
  }

  setRequestsUsed(master: string, n: number): void {
    this.used.set(master, n);
  }

  /**
   * Count `n` requests against `master`'s allowance (`cap` = 10,000 + volume in USDC). Past the
   * cap one request per 10 s still goes through. Returns false when this one must be refused.
   */
  chargeAddress(master: string, n: number, cap: number, now: number): boolean {
    const used = this.requestsUsed(master);
    if (used >= cap) {
      const last = this.lastWhenExhausted.get(master) ?? 0;
      if (now - last < EXHAUSTED_INTERVAL_MS) return false;
      this.lastWhenExhausted.set(master, now);
    }
    this.used.set(master, used + n);
    return true;
  }

  addOrder(o: OrderRecord): void {
    this.orders.set(o.oid, o);
    if (o.status === 'open') this.open.add(o);
    if (o.cloid) {
      let byCloid = this.cloids.get(o.user);
      if (!byCloid) this.cloids.set(o.user, (byCloid = new Map()));
      byCloid.set(o.cloid, o.oid);
    }
  }

  /** Log an order as received; a cloid the same account sent before counts as a duplicate. */
  logReceived(o: ReceivedOrder): void {
    if (o.cloid !== null) {
      const key = `${o.user}:${o.cloid}`;
      if (this.receivedCloids.has(key)) this.duplicateCloids++;
      else this.receivedCloids.add(key);
    }
    this.received.push(o);
  }

  /** A resting order leaves the book with `status`. */
  close(o: OrderRecord, status: string, now: number): void {
    o.status = status;
    o.statusTimestamp = now;
    this.open.delete(o);
  }

  orderByCloid(user: string, cloid: string): OrderRecord | undefined {
    const oid = this.cloids.get(user)?.get(cloid);
    return oid === undefined ? undefined : this.orders.get(oid);
  }

  /** Orders resting on the book (status `open`). */
  readonly open = new Set<OrderRecord>();
}
