import { isoOrNull } from '../common/timestamps';
import type { TradeEventDetails, TradeEventPayload, TradeEventType } from '../redis/contracts/trade-events-channel';

/** The channels' message types are declared with their channels (redis/contracts/). */
export type { TradeEventDetails, TradeEventPayload, TradeEventType } from '../redis/contracts/trade-events-channel';
export type { LeaderboardUpdatedPayload } from '../redis/contracts/leaderboard-updated-channel';

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
