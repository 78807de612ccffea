import type Redis from 'ioredis';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { SeenTrades } from '../redis/contracts/seen-trades';
import { TradesStream, encodeTradesEntry } from '../redis/contracts/trades-stream';
import { reportStreamGap } from './stream-gaps';

/** How long a trade's (coin, tid) is remembered for de-duplication, and the oldest trade handed on. */
export const SEEN_WINDOW_MS = 300_000;
/** Seen-sets are per minute of exchange time, so every replica puts a trade in the same set. */
const BUCKET_MS = 60_000;

/**
 * One atomic step per batch: add each trade's `coin:tid` to the seen-set of its minute (SADD
 * answers 1 only for the first replica to see it), then append the first-seen ones to the trades
 * stream as one entry. ARGV: maxlen, ttl ms, then per trade: bucket, `coin:tid`, trade JSON.
 */
const HANDOFF_LUA = `
local fresh = {}
local buckets = {}
for i = 3, #ARGV, 3 do
  local bucket = '${SeenTrades.prefix}' .. ARGV[i]
  if redis.call('SADD', bucket, ARGV[i + 1]) == 1 then fresh[#fresh + 1] = ARGV[i + 2] end
  buckets[bucket] = true
end
for bucket in pairs(buckets) do redis.call('PEXPIRE', bucket, ARGV[2]) end
if #fresh > 0 then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '${TradesStream.field}', '[' .. table.concat(fresh, ',') .. ']')
end
return #fresh`;

/**
 * Hands streamed trades to the live engine (the trades stream) the moment they arrive, before
 * the ledger write, exactly once across discovery replicas: Redis de-duplicates on (coin, tid)
 * inside the same script that appends, so two replicas holding the same trade never both pass it
 * on. Trades older than the seen window are not handed on (they could be replays the window no
 * longer remembers); the ledger still stores them, and their span is reported as a stream gap
 * (the stream gaps list), so tracking reconciles the traders active around it.
 *
 * With the in-process demo Redis (one process, no replicas; its Lua cannot reach its streams) the
 * seen-set is a local map instead.
 */
export class LiveTradeHandoff {
  private readonly localSeen = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly inProcess: boolean,
  ) {}

  /** Appends the first-seen trades of `trades`; returns how many were new. Throws when Redis fails. */
  async send(trades: readonly WsTrade[], now = Date.now()): Promise<number> {
    const recent = trades.filter((t) => t.time >= now - SEEN_WINDOW_MS);
    if (recent.length < trades.length) await this.reportGap(trades.filter((t) => t.time < now - SEEN_WINDOW_MS));
    if (recent.length === 0) return 0;
    if (this.inProcess) return this.sendLocal(recent, now);
    const args: string[] = [String(TradesStream.maxlen), String(SEEN_WINDOW_MS + BUCKET_MS)];
    for (const t of recent) args.push(String(Math.floor(t.time / BUCKET_MS)), SeenTrades.member(t.coin, t.tid), JSON.stringify(t));
    return Number(await this.redis.eval(HANDOFF_LUA, 1, TradesStream.key, ...args));
  }

  private async reportGap(old: readonly WsTrade[]): Promise<void> {
    let from = Infinity;
    let to = -Infinity;
    for (const t of old) {
      from = Math.min(from, t.time);
      to = Math.max(to, t.time);
    }
    await reportStreamGap(this.redis, from, to);
  }

  private async sendLocal(trades: readonly WsTrade[], now: number): Promise<number> {
    const fresh = trades.filter((t) => {
      const key = `${t.coin}:${t.tid}`;
      if (this.localSeen.has(key)) return false;
      this.localSeen.set(key, t.time);
      return true;
    });
    if (fresh.length > 0) {
      await this.redis.xadd(TradesStream.key, 'MAXLEN', '~', TradesStream.maxlen, '*', ...encodeTradesEntry(fresh));
    }
    // Insertion order is roughly time order: forget from the front.
    for (const [key, time] of this.localSeen) {
      if (time >= now - SEEN_WINDOW_MS) break;
      this.localSeen.delete(key);
    }
    return fresh.length;
  }
}
