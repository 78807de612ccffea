import { createHash, randomBytes } from 'crypto';
import type Redis from 'ioredis';

/**
 * Low-priority work's bounded share of each window: a second rolling window (Redis ZSET, member
 * `<weight>:<id>`, score = Redis time) of the weight granted to low-priority requests. A low
 * request is admitted here before it queues in the main budget, so low-priority work never takes
 * more than `limit` per window however idle high-priority work is, and the main budget's rule
 * (low never delays a waiting high request) still applies on top. One request heavier than the
 * share is admitted when the share's window is empty, so a small share never starves it forever.
 */
const ADMIT_SCRIPT = `
local key = KEYS[1]
local weight, limit, window, id, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do used = used + tonumber(string.match(entries[i], '^(%d+):')) end
if mode == 'record' or used + weight <= limit or used == 0 then
  if mode ~= 'check' then
    redis.call('ZADD', key, now, weight .. ':' .. id)
    redis.call('PEXPIRE', key, window + 60000)
  end
  return {1, 0, used + weight}
end
local need, acc, retry = used + weight - limit, 0, 100
for i = 1, #entries, 2 do
  acc = acc + tonumber(string.match(entries[i], '^(%d+):'))
  if acc >= need then
    retry = tonumber(entries[i + 1]) + window - now
    break
  end
end
if retry < 1 then retry = 1 end
return {0, retry, used}
`;
const ADMIT_SHA = createHash('sha1').update(ADMIT_SCRIPT).digest('hex');

/** `admit`: record when it fits; `check`: only say whether it fits; `record`: record whatever the share holds. */
export type ShareMode = 'admit' | 'check' | 'record';

export type ShareAttempt = { admitted: true } | { admitted: false; retryAfterMs: number };

/** Weight per window low-priority work may take: `percent` of the budget (0 % = none beyond one request per empty window). */
export function lowPriorityLimit(weightPerWindow: number, percent: number): number {
  return Math.floor((weightPerWindow * Math.min(100, Math.max(0, percent))) / 100);
}

export class LowPriorityShare {
  constructor(
    private readonly redis: Redis,
    /** The share's ZSET (shares the budget's hash tag). */
    private readonly key: string,
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * One attempt for the request `id`. Admit before queueing in the main budget, then `record` the
   * same id at its grant: the entry moves to the grant time, so a request that waited counts where
   * its weight was spent (a request admitted more than a window before its grant is the one case
   * the bound does not cover).
   */
  async tryAdmit(weight: number, mode: ShareMode = 'admit', id = randomBytes(9).toString('base64url')): Promise<ShareAttempt> {
    const args = [weight, this.limit, this.windowMs, id, mode];
    let reply: number[];
    try {
      reply = (await this.redis.evalsha(ADMIT_SHA, 1, this.key, ...args)) as number[];
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      reply = (await this.redis.eval(ADMIT_SCRIPT, 1, this.key, ...args)) as number[];
    }
    return reply[0] === 1 ? { admitted: true } : { admitted: false, retryAfterMs: reply[1] };
  }
}
