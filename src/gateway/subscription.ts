/**
 * The live-event subscription filter, shared by the Socket.IO gateway (as rooms) and the plain
 * WebSocket (as an index). Pure: no Nest, no sockets.
 *
 * A client without a subscription receives every event (room `all`). `subscribe` adds traders
 * and/or coins to its filter; from then on it receives only events whose trader or coin is in
 * the filter (the union). `unsubscribe` removes them; a filter that becomes empty means
 * "everything" again. `unsubscribe` with no lists clears the filter.
 */

export const ALL_ROOM = 'all';
export const MAX_ITEMS_PER_MESSAGE = 200;
export const MAX_FILTER_SIZE = 1000;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
/** Perp (`BTC`, `kPEPE`), spot (`@107`, `PURR/USDC`) and builder-dex (`xyz:TSLA`) coin names. */
const COIN_RE = /^[A-Za-z0-9@:/_.-]{1,32}$/;

export interface SubscriptionChange {
  traders: string[];
  coins: string[];
}

export interface Filter {
  readonly traders: ReadonlySet<string>;
  readonly coins: ReadonlySet<string>;
}

export type ParseResult = { ok: true; value: SubscriptionChange } | { ok: false; error: string };

export const EMPTY_FILTER: Filter = { traders: new Set(), coins: new Set() };

export const traderRoom = (address: string): string => `trader:${address}`;
export const coinRoom = (coin: string): string => `coin:${coin}`;

function parseList(body: Record<string, unknown>, key: 'traders' | 'coins'): string[] | string {
  const raw = body[key];
  if (raw === undefined || raw === null) return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list)) return `${key} must be an array of strings`;
  if (list.length > MAX_ITEMS_PER_MESSAGE) return `${key} must have at most ${MAX_ITEMS_PER_MESSAGE} entries`;
  const out = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string') return `${key} must be an array of strings`;
    const value = item.trim();
    if (key === 'traders') {
      if (!ADDRESS_RE.test(value)) return `traders: ${JSON.stringify(item).slice(0, 60)} is not a 0x-prefixed 40-hex-digit address`;
      out.add(value.toLowerCase());
    } else {
      if (!COIN_RE.test(value)) return `coins: ${JSON.stringify(item).slice(0, 60)} is not a coin name (e.g. BTC, kPEPE, @107)`;
      out.add(value);
    }
  }
  return [...out];
}

/**
 * Validates a `subscribe` / `unsubscribe` payload `{traders?: string[], coins?: string[]}`.
 * Addresses are lower-cased; coins keep the exchange's spelling (case-sensitive). A single string
 * is accepted for either list. `requireOne`: at least one entry overall (subscribe).
 */
export function parseSubscription(body: unknown, requireOne: boolean): ParseResult {
  if (body === undefined || body === null) {
    return requireOne ? { ok: false, error: 'payload must be an object {traders?: string[], coins?: string[]}' } : { ok: true, value: { traders: [], coins: [] } };
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'payload must be an object {traders?: string[], coins?: string[]}' };
  }
  const record = body as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((k) => k !== 'traders' && k !== 'coins');
  if (unknownKeys.length > 0) return { ok: false, error: `unknown field ${unknownKeys[0]}; expected traders and/or coins` };
  const traders = parseList(record, 'traders');
  if (typeof traders === 'string') return { ok: false, error: traders };
  const coins = parseList(record, 'coins');
  if (typeof coins === 'string') return { ok: false, error: coins };
  if (requireOne && traders.length + coins.length === 0) {
    return { ok: false, error: 'subscribe needs at least one trader address or coin' };
  }
  return { ok: true, value: { traders, coins } };
}

/** The answer to a `subscribe` / `unsubscribe` (ack and `subscribed` message): what changed, not the filter. */
export interface SubscriptionReply {
  op: 'subscribe' | 'unsubscribe';
  /**
   * The entries this message added (subscribe) or removed (unsubscribe) that were not already
   * (or no longer) in the filter: never more than the message itself held. An `unsubscribe`
   * without lists (clear all) lists nothing; `following` says the filter is empty.
   */
  changed: SubscriptionChange;
  /** How many traders and coins the filter holds now. */
  following: { traders: number; coins: number };
  /** True when the filter is empty: the client receives everything. */
  all: boolean;
}

export type ApplyResult =
  | { ok: true; filter: Filter; reply: SubscriptionReply; join: string[]; leave: string[] }
  | { ok: false; error: string };

function reply(op: SubscriptionReply['op'], filter: Filter, changed: SubscriptionChange): SubscriptionReply {
  return { op, changed, following: { traders: filter.traders.size, coins: filter.coins.size }, all: isEmpty(filter) };
}

const roomsOfChange = (change: SubscriptionChange): string[] => [...change.traders.map(traderRoom), ...change.coins.map(coinRoom)];

/**
 * The filter after a subscribe (union) or unsubscribe (difference; no lists = clear all), the
 * reply, and the rooms to join and leave. Costs O(size of the message), not of the filter, unless
 * it clears the filter.
 */
export function applyChange(current: Filter, op: 'subscribe' | 'unsubscribe', change: SubscriptionChange): ApplyResult {
  const wasAll = isEmpty(current);
  if (op === 'unsubscribe' && change.traders.length === 0 && change.coins.length === 0) {
    const leave = wasAll ? [] : [...roomsOf(current)];
    return { ok: true, filter: EMPTY_FILTER, reply: reply(op, EMPTY_FILTER, { traders: [], coins: [] }), join: wasAll ? [] : [ALL_ROOM], leave };
  }
  const wanted = op === 'subscribe';
  const changed: SubscriptionChange = {
    traders: change.traders.filter((t) => current.traders.has(t) !== wanted),
    coins: change.coins.filter((c) => current.coins.has(c) !== wanted),
  };
  if (changed.traders.length + changed.coins.length === 0) {
    return { ok: true, filter: current, reply: reply(op, current, changed), join: [], leave: [] };
  }
  if (wanted && current.traders.size + current.coins.size + changed.traders.length + changed.coins.length > MAX_FILTER_SIZE) {
    return { ok: false, error: `a client may follow at most ${MAX_FILTER_SIZE} traders and coins in total` };
  }
  const traders = new Set(current.traders);
  const coins = new Set(current.coins);
  for (const t of changed.traders) {
    if (wanted) traders.add(t);
    else traders.delete(t);
  }
  for (const c of changed.coins) {
    if (wanted) coins.add(c);
    else coins.delete(c);
  }
  const filter: Filter = { traders, coins };
  const isAll = isEmpty(filter);
  const rooms = roomsOfChange(changed);
  if (wanted) return { ok: true, filter, reply: reply(op, filter, changed), join: rooms, leave: wasAll ? [ALL_ROOM] : [] };
  return { ok: true, filter, reply: reply(op, filter, changed), join: isAll ? [ALL_ROOM] : [], leave: rooms };
}

/** A client's `subscribe` / `unsubscribe` payload, validated and applied to its filter. */
export function handleSubscriptionMessage(current: Filter, op: 'subscribe' | 'unsubscribe', body: unknown): ApplyResult {
  const parsed = parseSubscription(body, op === 'subscribe');
  return parsed.ok ? applyChange(current, op, parsed.value) : parsed;
}

export function isEmpty(filter: Filter): boolean {
  return filter.traders.size === 0 && filter.coins.size === 0;
}

/** The rooms a client with this filter belongs to. */
export function roomsOf(filter: Filter): Set<string> {
  if (isEmpty(filter)) return new Set([ALL_ROOM]);
  return new Set([...[...filter.traders].map(traderRoom), ...[...filter.coins].map(coinRoom)]);
}

/** The rooms an event goes to: everyone unfiltered, its trader's followers, its coin's followers. */
export function roomsForEvent(address: string, coin: string): string[] {
  return [ALL_ROOM, traderRoom(address.toLowerCase()), coinRoom(coin)];
}

/**
 * Room membership for clients that are not Socket.IO sockets (the plain WebSocket): the same
 * semantics as the Socket.IO rooms, and `recipients` yields each matching client once.
 */
export class SubscriptionIndex<C> {
  private readonly filters = new Map<C, Filter>();
  private readonly rooms = new Map<string, Set<C>>();

  get size(): number {
    return this.filters.size;
  }

  add(client: C): void {
    if (this.filters.has(client)) return;
    this.filters.set(client, EMPTY_FILTER);
    this.join(client, roomsOf(EMPTY_FILTER));
  }

  remove(client: C): void {
    const filter = this.filters.get(client);
    if (!filter) return;
    this.leave(client, roomsOf(filter));
    this.filters.delete(client);
  }

  filterOf(client: C): Filter {
    return this.filters.get(client) ?? EMPTY_FILTER;
  }

  /** Applies a client's `subscribe` / `unsubscribe` payload (see handleSubscriptionMessage). */
  apply(client: C, op: 'subscribe' | 'unsubscribe', body: unknown): ApplyResult {
    const current = this.filters.get(client);
    if (!current) return { ok: false, error: 'unknown client' };
    const result = handleSubscriptionMessage(current, op, body);
    if (!result.ok) return result;
    this.leave(client, result.leave);
    this.join(client, result.join);
    this.filters.set(client, result.filter);
    return result;
  }

  /**
   * Calls `fn` once for every client that should get an event of this trader and coin, without
   * building a recipient set: a client is either in `all` or in filter rooms, never both, so only
   * the trader and coin rooms need de-duplicating (the smaller one is checked against the other).
   */
  forEachRecipient(address: string, coin: string, fn: (client: C) => void): void {
    const everyone = this.rooms.get(ALL_ROOM);
    if (everyone) for (const c of everyone) fn(c);
    const byTrader = this.rooms.get(traderRoom(address.toLowerCase()));
    const byCoin = this.rooms.get(coinRoom(coin));
    if (byTrader) for (const c of byTrader) fn(c);
    if (byCoin) for (const c of byCoin) if (!byTrader?.has(c)) fn(c);
  }

  /** Every client that should get an event of this trader and coin, each once. */
  recipients(address: string, coin: string): Set<C> {
    const out = new Set<C>();
    this.forEachRecipient(address, coin, (c) => out.add(c));
    return out;
  }

  clients(): IterableIterator<C> {
    return this.filters.keys();
  }

  private join(client: C, rooms: Iterable<string>): void {
    for (const room of rooms) {
      let members = this.rooms.get(room);
      if (!members) this.rooms.set(room, (members = new Set()));
      members.add(client);
    }
  }

  private leave(client: C, rooms: Iterable<string>): void {
    for (const room of rooms) {
      const members = this.rooms.get(room);
      if (!members) continue;
      members.delete(client);
      if (members.size === 0) this.rooms.delete(room);
    }
  }
}
