import { type RedisContract, streamField } from './contract';

/**
 * STREAM of clearinghouseState snapshots fetched by tracking, for the live applier: field `s` =
 * the snapshot message (its own codec is live/snapshot-message.ts).
 */
export const SnapshotsStream = {
  key: 'ts:stream:snapshots',
  field: 's',
  /** Approximate cap (XADD MAXLEN ~), in entries. */
  maxlen: 100_000,
} as const;

/** The XADD field/value pair of one encoded snapshot. */
export function encodeSnapshotEntry(message: string): [string, string] {
  return [SnapshotsStream.field, message];
}

/** The encoded snapshot of one entry (its `s` field, by name); undefined when it has none. */
export function decodeSnapshotEntry(fields: readonly string[]): string | undefined {
  return streamField(fields, SnapshotsStream.field);
}

export const contract: RedisContract = {
  title: 'snapshots stream (tracking → live)',
  names: [{ name: SnapshotsStream.key, type: 'stream' }],
  users: ['live', 'tracking'],
};
