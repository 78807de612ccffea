import { type Parsed, type RedisContract, parseJsonObject } from './contract';

/** The `leaderboard_updated` message (Redis channel of the same name, then to clients). */
export interface LeaderboardUpdatedPayload {
  computed_at: string;
  count: number;
}

/**
 * Pub/sub channel announcing a new leaderboard generation (CONTRACT.md's name): message =
 * LeaderboardUpdatedPayload JSON, published by the leaderboard worker, relayed by the gateway.
 */
export const LeaderboardUpdatedChannel = { channel: 'leaderboard_updated' } as const;

export const encodeLeaderboardUpdated = (payload: LeaderboardUpdatedPayload): string =>
  JSON.stringify({ computed_at: payload.computed_at, count: payload.count });

/** A `leaderboard_updated` message → LeaderboardUpdatedPayload. Pure. */
export function parseLeaderboardMessage(message: string): Parsed<LeaderboardUpdatedPayload> {
  const parsed = parseJsonObject(message);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (typeof v.computed_at !== 'string' || Number.isNaN(Date.parse(v.computed_at))) {
    return { ok: false, error: 'computed_at must be an ISO timestamp' };
  }
  if (typeof v.count !== 'number' || !Number.isFinite(v.count)) return { ok: false, error: 'count must be a number' };
  return { ok: true, value: v as unknown as LeaderboardUpdatedPayload };
}

export const contract: RedisContract = {
  title: 'leaderboard_updated channel (leaderboard → gateway, leaderboard api)',
  names: [{ name: LeaderboardUpdatedChannel.channel, type: 'channel' }],
  users: ['events', 'gateway', 'leaderboard'],
};
