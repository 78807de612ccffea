import { type RedisContract, streamField } from './contract';

/**
 * STREAM of public trades for the live engine, each once: one entry per discovery batch, field `t`
 * = JSON array of the exchange's WsTrade objects. Written by discovery (its hand-off Lua or XADD),
 * read by the live applier, the copy engine's price reader and the stats route.
 */
export const TradesStream = {
  key: 'ts:stream:trades',
  /** The entry's one field. */
  field: 't',
  /**
   * Approximate cap (XADD MAXLEN ~), in entries; an entry is one discovery batch (up to 5,000
   * trades), so this keeps minutes of trades for the live engine to catch up, not gigabytes. An
   * engine that falls further behind sees a gap and reconciles by snapshot.
   */
  maxlen: 10_000,
} as const;

/** The XADD field/value pair of one batch of trades. */
export function encodeTradesEntry(trades: readonly unknown[]): [string, string] {
  return [TradesStream.field, JSON.stringify(trades)];
}

/**
 * The trades of one entry (its `t` field, by name). The caller names the trade type: the stream
 * carries the exchange's trades as discovery validated them; an entry without `t` holds none.
 */
export function decodeTradesEntry<T>(fields: readonly string[]): T[] {
  const raw = streamField(fields, TradesStream.field);
  return raw === undefined ? [] : (JSON.parse(raw) as T[]);
}

export const contract: RedisContract = {
  title: 'trades stream (discovery → live, copy, stats)',
  names: [{ name: TradesStream.key, type: 'stream' }],
  users: ['copy', 'discovery', 'live', 'stats'],
};
