/**
 * Lua scripts of the shared budget. Each runs atomically in Redis and reads the clock with
 * `TIME` (one clock for every process). Keys (all share one hash tag, so they live in one slot):
 *   KEYS[1] window     ZSET   member `<weight>:<id>`, score = grant time (ms)
 *   KEYS[2] total      STRING sum of the window's weights (adjusted on prune / settle)
 *   KEYS[3] queue      ZSET   waiter `<h|l>:<weight>:<id>`, score = arrival order
 *   KEYS[4] queue-exp  ZSET   same members, score = expiry (ms); expired waiters are dropped
 *   KEYS[5] seq        STRING arrival counter for the queue
 *   KEYS[6] paused     STRING pausedUntil (ms), with a PX TTL
 *   KEYS[7] 429-count  STRING consecutive 429s, with a TTL
 *   KEYS[8] epoch      STRING when this budget's state began (no TTL); missing = the state was lost
 */

/** Shared prelude: clock, window pruning (+ self-healing total), waiter pruning. */
const PRELUDE = `
local K_WIN, K_TOT, K_Q, K_QX, K_SEQ, K_PAUSED, K_429 = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function weight_of(member)
  return tonumber(string.match(member, '^(%d+):'))
end

local function sum_all()
  local s = 0
  local all = redis.call('ZRANGE', K_WIN, 0, -1)
  for i = 1, #all do s = s + weight_of(all[i]) end
  return s
end

-- Drops entries older than the window; returns the exact total of what is left.
local function prune(window)
  local cutoff = now - window
  local raw = redis.call('GET', K_TOT)
  local total = raw and tonumber(raw) or nil
  local old = redis.call('ZRANGEBYSCORE', K_WIN, '-inf', cutoff)
  if #old > 0 then
    local freed = 0
    for i = 1, #old do freed = freed + weight_of(old[i]) end
    redis.call('ZREMRANGEBYSCORE', K_WIN, '-inf', cutoff)
    if total then total = total - freed end
  end
  if redis.call('ZCARD', K_WIN) == 0 then
    if total ~= 0 then redis.call('DEL', K_TOT) end
    return 0
  end
  if (not total) or total < 0 then total = sum_all() end
  if (not raw) or tonumber(raw) ~= total then
    redis.call('SET', K_TOT, total, 'PX', window + 60000)
  end
  return total
end

-- Drops expired waiters; returns the queue as a flat {member, score, …} list.
local function live_queue()
  local expired = redis.call('ZRANGEBYSCORE', K_QX, '-inf', now)
  for i = 1, #expired do
    redis.call('ZREM', K_Q, expired[i])
    redis.call('ZREM', K_QX, expired[i])
  end
  return redis.call('ZRANGE', K_Q, 0, -1, 'WITHSCORES')
end

local function paused_until()
  local pu = tonumber(redis.call('GET', K_PAUSED) or '0')
  if pu > now then return pu end
  return 0
end
`;

/**
 * A budget whose state is missing (a first start on an empty Redis, or a Redis restarted without
 * persistence) cannot know what was spent in the last window, while the exchange still counts it.
 * The window is seeded with entries (`ageMs:weight;…`, from lost-window.ts) that bound, at every
 * moment of the next window, what the lost history can still have inside the exchange's window
 * given the burst curve it obeyed; grants then get exactly what the limit leaves beside them. The
 * epoch key marks the state as known from then on.
 */
const SEED_IF_LOST = `
local K_EPOCH = KEYS[8]
local function seed_if_lost(window, seeds)
  if redis.call('EXISTS', K_EPOCH) == 1 then return end
  redis.call('SET', K_EPOCH, now)
  local i = 0
  for age, w in string.gmatch(seeds, '(%d+):(%d+)') do
    i = i + 1
    redis.call('ZADD', K_WIN, now - tonumber(age), w .. ':seed-' .. now .. '-' .. i)
  end
  redis.call('PEXPIRE', K_WIN, window + 60000)
  redis.call('DEL', K_TOT)
end
`;

/**
 * The burst curve (lost-window.ts, `curveRetryMs`): for every entry x of the window, the weight
 * granted at or after x plus `w` stays within burst + floor(limit · (now − x) / window). Only
 * entries younger than (total + w − burst) · window / limit can bind. Returns 0 when `w` fits, the
 * ms until it does, or −1 when `w` exceeds the burst (only waiters ahead can make it so).
 */
const CURVE = `
local function curve_retry(total, w, limit, burst, window)
  if burst >= limit then return 0 end
  if w > burst then return -1 end
  if total + w <= burst then return 0 end
  local horizon = now - math.floor(((total + w - burst) * window + limit - 1) / limit)
  local entries = redis.call('ZREVRANGEBYSCORE', K_WIN, '+inf', horizon, 'WITHSCORES')
  local acc, retry = w, 0
  for i = 1, #entries, 2 do
    acc = acc + weight_of(entries[i])
    local need = acc - burst
    if need > 0 then
      local wait = tonumber(entries[i + 1]) + math.floor((need * window + limit - 1) / limit) - now
      if wait > retry then retry = wait end
    end
  end
  return retry
end
`;

/**
 * reserve. ARGV: weight, limit, window, priority (h|l), id, waiter member ('' = not queued),
 * grace ms (waiter registration outlives its retry by this), poll ms (retry when only queued
 * waiters, not the window, are in the way), seed ('1' = seed a lost state, see SEED_IF_LOST),
 * burst (see CURVE; ≥ limit = no curve), seeds (`ageMs:weight;…`).
 *
 * Granted iff not paused, total + (weight of waiters that go first) + weight ≤ limit, and the
 * same weight fits the burst curve.
 * Waiters that go first: for a high request, high waiters that arrived earlier; for a low one,
 * every high waiter and low waiters that arrived earlier. A later request may pass an earlier
 * waiter only if both fit, so it never delays it.
 *
 * Returns {1, now, total, consecutive429, highWaiting} or
 *         {0, retryAfterMs, total, consecutive429, highWaiting, reason (1 full, 2 paused, 3 queued)}.
 */
export const RESERVE_SCRIPT = `${PRELUDE}${SEED_IF_LOST}${CURVE}
local weight, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local prio, id, waiter = ARGV[4], ARGV[5], ARGV[6]
local grace, poll = tonumber(ARGV[7]), tonumber(ARGV[8])
local burst = tonumber(ARGV[10])
if ARGV[9] == '1' then seed_if_lost(window, ARGV[11]) end

local total = prune(window)
local queue = live_queue()
local my_seq = nil
if waiter ~= '' then
  local s = redis.call('ZSCORE', K_Q, waiter)
  if s then my_seq = tonumber(s) end
end
local ahead, high_waiting = 0, 0
for i = 1, #queue, 2 do
  local m = queue[i]
  if m ~= waiter then
    local p, w = string.match(m, '^(%a):(%d+):')
    if p == 'h' then high_waiting = high_waiting + 1 end
    if (prio == 'l' and p == 'h') or (p == prio and ((not my_seq) or tonumber(queue[i + 1]) < my_seq)) then
      ahead = ahead + tonumber(w)
    end
  end
end
local c429 = tonumber(redis.call('GET', K_429) or '0')
local pu = paused_until()
local need = total + ahead + weight - limit
local curve = curve_retry(total, ahead + weight, limit, burst, window)

if pu == 0 and need <= 0 and curve == 0 then
  redis.call('ZADD', K_WIN, now, weight .. ':' .. id)
  total = total + weight
  redis.call('SET', K_TOT, total, 'PX', window + 60000)
  redis.call('PEXPIRE', K_WIN, window + 60000)
  if waiter ~= '' then
    redis.call('ZREM', K_Q, waiter)
    redis.call('ZREM', K_QX, waiter)
  end
  return {1, now, total, c429, high_waiting}
end

local retry, reason
if pu > 0 then
  retry, reason = pu - now, 2
else
  reason = 3
  if total + weight > limit or (ahead == 0 and curve > 0) then reason = 1 end
  retry = 0
  if need > 0 then
    local acc = 0
    local entries = redis.call('ZRANGE', K_WIN, 0, -1, 'WITHSCORES')
    for i = 1, #entries, 2 do
      acc = acc + weight_of(entries[i])
      if acc >= need then
        retry = tonumber(entries[i + 1]) + window - now
        break
      end
    end
  end
  if curve > retry then retry = curve end
  if retry <= 0 then retry = poll end
end
if waiter ~= '' then
  if not my_seq then
    redis.call('ZADD', K_Q, redis.call('INCR', K_SEQ), waiter)
    redis.call('PEXPIRE', K_SEQ, 86400000)
  end
  redis.call('ZADD', K_QX, now + retry + grace, waiter)
  local ttl = retry + grace + 60000
  if redis.call('PTTL', K_Q) < ttl then redis.call('PEXPIRE', K_Q, ttl) end
  if redis.call('PTTL', K_QX) < ttl then redis.call('PEXPIRE', K_QX, ttl) end
end
return {0, retry, total, c429, high_waiting, reason}
`;

/**
 * settle. ARGV: old member, new weight, id, window. Moves the entry to its new weight at the
 * same grant time (a weight-0 entry stays until it expires, so it can be settled again). An entry
 * already out of the window is left alone (returns 0).
 */
export const SETTLE_SCRIPT = `
local K_WIN, K_TOT = KEYS[1], KEYS[2]
local old, new_weight, id, window = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local score = redis.call('ZSCORE', K_WIN, old)
if not score then return 0 end
local old_weight = tonumber(string.match(old, '^(%d+):'))
redis.call('ZREM', K_WIN, old)
redis.call('ZADD', K_WIN, score, new_weight .. ':' .. id)
if redis.call('EXISTS', K_TOT) == 1 then
  redis.call('INCRBY', K_TOT, new_weight - old_weight)
end
return 1
`;

/**
 * report429. ARGV: reset-after ms, then the back-off schedule (ms per consecutive 429).
 * A 429 that arrives while the budget is already paused is an in-flight request of the same
 * episode: it does not escalate. Returns {pausedUntil, consecutive429, appliedBackoffMs}.
 */
export const REPORT_429_SCRIPT = `${PRELUDE}
local pu = paused_until()
local n = tonumber(redis.call('GET', K_429) or '0')
if pu > 0 then return {pu, n, 0} end
n = redis.call('INCR', K_429)
redis.call('PEXPIRE', K_429, tonumber(ARGV[1]))
local steps = #ARGV - 1
local idx = n
if idx > steps then idx = steps end
local backoff = tonumber(ARGV[1 + idx])
redis.call('SET', K_PAUSED, now + backoff, 'PX', backoff)
return {now + backoff, n, backoff}
`;

/** usage. ARGV: window. Returns {now, total, pausedUntil (0 = none), consecutive429, highWaiting, lowWaiting}. */
export const USAGE_SCRIPT = `${PRELUDE}
local total = prune(tonumber(ARGV[1]))
local queue = live_queue()
local high, low = 0, 0
for i = 1, #queue, 2 do
  if string.sub(queue[i], 1, 1) == 'h' then high = high + 1 else low = low + 1 end
end
return {now, total, paused_until(), tonumber(redis.call('GET', K_429) or '0'), high, low}
`;
