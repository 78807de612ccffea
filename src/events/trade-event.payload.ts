import { isoOrNull } from '../common/timestamps';
import type { TradeEventType } from '../database/entities/trade-event.entity';

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

/** The `leaderboard_updated` message (Redis channel of the same name, then to clients). */
export interface LeaderboardUpdatedPayload {
  computed_at: string;
  count: number;
}

/** A trade_events row as read with plain SQL (snake_case columns). */
export interface TradeEventRow {
  id: string;
  trader_id: string;
  trader_address: string;
  timestamp: Date | string;
  event_type: TradeEventType;
  details: TradeEventDetails;
}

export function toTradeEventPayload(row: TradeEventRow): TradeEventPayload {
  return {
    id: Number(row.id),
    trader_id: Number(row.trader_id),
    trader_address: row.trader_address,
    timestamp: isoOrNull(row.timestamp),
    event_type: row.event_type,
    details: row.details,
  };
}
