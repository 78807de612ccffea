/** Every Redis key and channel the processes share, in one place. */
export const RedisKeys = {
  /** ZSET address → time (ms) of its oldest trade not yet seen by tracking (ZADD NX keeps the oldest). */
  tradedSignals: 'ts:signals:traded',
  /** ZSET address → time (ms): baselined traders whose derived state looks wrong (live engine → tracking). */
  reconcileSignals: 'ts:signals:reconcile',
  /** ZSET address → time (ms): addresses whose trades look like a vault's (live engine → tracking's vault check). */
  vaultSuspects: 'ts:signals:vault-suspects',
  /** Prefix of the per-address lock of a `userRole` lookup (one worker asks, once). */
  roleCheckLockPrefix: 'ts:role-check:',
  /** JSON array of the listed perps from the last `meta` read (discovery subscribes from it at boot). */
  discoveryMarkets: 'ts:discovery:markets',
  /** STREAM of public trades for the live engine, each once (one entry per batch, field `t` = JSON WsTrade[]). */
  tradesStream: 'ts:stream:trades',
  /** Prefix of the per-minute SETs of `coin:tid` already handed to the trades stream (discovery's de-duplication). */
  seenTradesPrefix: 'ts:seen:',
  /** STREAM of clearinghouseState snapshots fetched by tracking, for the live applier (field `s`). */
  snapshotsStream: 'ts:stream:snapshots',
  /** LIST of gaps in the trade stream (JSON {from, to} ms), pushed by discovery, drained by tracking. */
  streamGaps: 'ts:stream:gaps',
  /** Pub/sub channel of stored trade events (the contract's name); message = TradeEventPayload JSON. */
  tradeEventsChannel: 'trade_events',
  /** Pub/sub channel announcing a new leaderboard generation; message = LeaderboardUpdatedPayload JSON. */
  leaderboardChannel: 'leaderboard_updated',
  /** Prefix of the shared REST weight budget. */
  budgetPrefix: 'ts:budget',
  /** Set (value = epoch ms) by the admin route to ask the leaderboard worker for a recompute now. */
  leaderboardRecalculateRequested: 'ts:leaderboard:recalculate-requested',
  /** Pub/sub channel: the admin cleared the leaderboard cache, every api drops the pages it holds (message: epoch ms). */
  leaderboardCacheClearedChannel: 'ts:leaderboard:cache-cleared',
  /** Prefix of the leaderboard's cache entries (the admin cache clear removes `${prefix}*`). */
  leaderboardCachePrefix: 'ts:cache:leaderboard:',
  /** HASH api instance id → JSON {n, at}: live WebSocket connections per api process (for /api/v1/stats). */
  wsConnections: 'ts:ws:connections',
  /** Prefix of the public REST rate limiter's counters (per client IP). */
  throttlePrefix: 'ts:throttle',
  /** Key prefix of the Socket.IO Redis adapter's channels (cross-replica room operations). */
  socketIoAdapterKey: 'ts:socket.io',
} as const;

/**
 * Approximate cap of the trades stream (XADD MAXLEN ~), in entries; an entry is one discovery
 * batch (up to 5,000 trades), so this keeps minutes of trades for the live engine to catch up,
 * not gigabytes. An engine that falls further behind sees a gap and reconciles by snapshot.
 */
export const TRADES_STREAM_MAXLEN = 10_000;

/** Approximate cap of the snapshots stream. */
export const SNAPSHOTS_STREAM_MAXLEN = 100_000;
