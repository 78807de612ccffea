import type { RedisContract } from './contract';
import { contract as apiThrottle } from './api-throttle';
import { contract as copyChannels } from './copy-channels';
import { contract as discoveryMarkets } from './discovery-markets';
import { contract as leaderLocks } from './leader-locks';
import { contract as leaderboardCache } from './leaderboard-cache';
import { contract as leaderboardRecalculate } from './leaderboard-recalculate';
import { contract as leaderboardUpdated } from './leaderboard-updated-channel';
import { contract as rateBudget } from './rate-budget';
import { contract as roleCheckLock } from './role-check-lock';
import { contract as seenTrades } from './seen-trades';
import { contract as snapshotsStream } from './snapshots-stream';
import { contract as socketIoAdapter } from './socket-io-adapter';
import { contract as streamGaps } from './stream-gaps';
import { contract as tradeEvents } from './trade-events-channel';
import { contract as tradesStream } from './trades-stream';
import { contract as trackingSignals } from './tracking-signals';
import { contract as wsConnections } from './ws-connections';

/**
 * Every Redis key, key family, stream and channel the processes share, one contract per file of
 * this folder (file name → contract). Code outside this folder imports the file of the contract it
 * uses and never spells a Redis name itself; contracts.spec.ts holds the code to that.
 */
export const REDIS_CONTRACTS: Readonly<Record<string, RedisContract>> = {
  'api-throttle': apiThrottle,
  'copy-channels': copyChannels,
  'discovery-markets': discoveryMarkets,
  'leader-locks': leaderLocks,
  'leaderboard-cache': leaderboardCache,
  'leaderboard-recalculate': leaderboardRecalculate,
  'leaderboard-updated-channel': leaderboardUpdated,
  'rate-budget': rateBudget,
  'role-check-lock': roleCheckLock,
  'seen-trades': seenTrades,
  'snapshots-stream': snapshotsStream,
  'socket-io-adapter': socketIoAdapter,
  'stream-gaps': streamGaps,
  'trade-events-channel': tradeEvents,
  'trades-stream': tradesStream,
  'tracking-signals': trackingSignals,
  'ws-connections': wsConnections,
};
