import type { LeaderboardUpdatedPayload, TradeEventPayload } from '../events/trade-event.payload';

const EVENT_TYPES = new Set([
  'position_opened',
  'position_closed',
  'position_increased',
  'position_decreased',
  'position_flipped',
]);

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A `trade_events` channel message → TradeEventPayload, checking what the gateway relies on
 * (an id to dedupe by, the trader address and coin to route by). Pure.
 */
export function parseTradeEventMessage(message: string): Parsed<TradeEventPayload> {
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isObject(v)) return { ok: false, error: 'not an object' };
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

/** A `leaderboard_updated` channel message → LeaderboardUpdatedPayload. Pure. */
export function parseLeaderboardMessage(message: string): Parsed<LeaderboardUpdatedPayload> {
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isObject(v)) return { ok: false, error: 'not an object' };
  if (typeof v.computed_at !== 'string' || Number.isNaN(Date.parse(v.computed_at))) {
    return { ok: false, error: 'computed_at must be an ISO timestamp' };
  }
  if (typeof v.count !== 'number' || !Number.isFinite(v.count)) return { ok: false, error: 'count must be a number' };
  return { ok: true, value: v as unknown as LeaderboardUpdatedPayload };
}
