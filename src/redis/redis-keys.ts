/** Every Redis key and channel the processes share, in one place. */
export const RedisKeys = {
  /** ZSET address → time (ms) of its oldest trade not yet seen by tracking (ZADD NX keeps the oldest). */
  tradedSignals: 'ts:signals:traded',
  /** STREAM of newly stored public trades (one entry per batch, field `t` = JSON WsTrade[]). */
  tradesStream: 'ts:stream:trades',
  /** Pub/sub channel of stored trade events (the contract's name); message = TradeEventPayload JSON. */
  tradeEventsChannel: 'trade_events',
  /** Pub/sub channel announcing a new leaderboard generation; message = LeaderboardUpdatedPayload JSON. */
  leaderboardChannel: 'leaderboard_updated',
  /** Prefix of the shared REST weight budget. */
  budgetPrefix: 'ts:budget',
} as const;

/** Approximate cap of the trades stream (XADD MAXLEN ~). */
export const TRADES_STREAM_MAXLEN = 200_000;
