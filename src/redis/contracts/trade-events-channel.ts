import { type Parsed, type RedisContract, isObject, parseJsonObject } from './contract';

/** The contract's position-change kinds. */
export type TradeEventType =
  | 'position_opened'
  | 'position_closed'
  | 'position_increased'
  | 'position_decreased'
  | 'position_flipped';

const EVENT_TYPES: ReadonlySet<string> = new Set<TradeEventType>([
  'position_opened',
  'position_closed',
  'position_increased',
  'position_decreased',
  'position_flipped',
]);

/** `details` of a trade_event, as CONTRACT.md gives it (snake_case, decimal strings). */
export interface TradeEventDetails {
  coin: string;
  previous_size: string;
  current_size: string;
  size_change: string;
  side: 'long' | 'short';
  entry_price: string | null;
  mark_price?: string;
  /** `stream` (derived from the public trade stream) or `snapshot` (seen in clearinghouseState). */
  source: 'stream' | 'snapshot';
  [extra: string]: unknown;
}

/** The `trade_event` message: stored first, then published on Redis `trade_events`, then to clients. */
export interface TradeEventPayload {
  id: number;
  trader_id: number;
  trader_address: string;
  /** Null only when the stored value cannot be read as a date (a bad row must not fail a page or the relay). */
  timestamp: string | null;
  event_type: TradeEventType;
  details: TradeEventDetails;
}

/**
 * Pub/sub channel of stored trade events (CONTRACT.md's name): message = TradeEventPayload JSON,
 * published by events/ after the commit, relayed by the gateway, read by the copy engine.
 */
export const TradeEventsChannel = { channel: 'trade_events' } as const;

export const encodeTradeEvent = (event: TradeEventPayload): string => JSON.stringify(event);

/**
 * A `trade_events` message → TradeEventPayload, checking what consumers rely on (an id to dedupe
 * by, the trader address and coin to route by); the address comes back lowercase. Pure.
 */
export function parseTradeEventMessage(message: string): Parsed<TradeEventPayload> {
  const parsed = parseJsonObject(message);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (!Number.isSafeInteger(v.id) || (v.id as number) <= 0) return { ok: false, error: 'id must be a positive integer' };
  if (typeof v.trader_address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v.trader_address)) {
    return { ok: false, error: 'trader_address must be an address' };
  }
  if (typeof v.event_type !== 'string' || !EVENT_TYPES.has(v.event_type)) return { ok: false, error: 'unknown event_type' };
  if (!isObject(v.details) || typeof v.details.coin !== 'string' || v.details.coin === '') {
    return { ok: false, error: 'details.coin must be a string' };
  }
  const payload = { ...(v as unknown as TradeEventPayload), trader_address: v.trader_address.toLowerCase() };
  return { ok: true, value: payload };
}

/** The event of a `trade_events` message; null when it is not one. */
export function decodeTradeEvent(message: string): TradeEventPayload | null {
  const parsed = parseTradeEventMessage(message);
  return parsed.ok ? parsed.value : null;
}

export const contract: RedisContract = {
  title: 'trade_events channel (events → gateway, copy)',
  names: [{ name: TradeEventsChannel.channel, type: 'channel' }],
  users: ['events', 'gateway'],
};
