import type { ParsedAccountState } from '../hyperliquid/hyperliquid.types';
import { markPrices } from '../tracking/snapshot-math';
import type { SnapshotInput } from './live-book';
import type { SnapshotRecord } from './live.repository';

/** What tracking puts on the snapshots stream for the live applier. */
export interface SnapshotMessage {
  traderId: string;
  address: string;
  time: number;
  accountValue: string;
  totalNtlPos: string;
  partial: boolean;
  positions: Array<{ coin: string; szi: string; entryPx: string | null }>;
  marks: Record<string, string>;
  raw: unknown;
}

export function encodeSnapshot(trader: { id: string; address: string }, state: ParsedAccountState, raw: unknown, fallbackTime: number): string {
  const msg: SnapshotMessage = {
    traderId: trader.id,
    address: trader.address,
    time: state.time ?? fallbackTime,
    accountValue: state.accountValue,
    totalNtlPos: state.totalNtlPos,
    partial: state.invalidPositions > 0,
    positions: state.positions.map((p) => ({ coin: p.coin, szi: p.szi, entryPx: p.entryPx })),
    marks: markPrices(state.positions),
    raw,
  };
  return JSON.stringify(msg);
}

export function decodeSnapshot(payload: string): { input: SnapshotInput; record: Omit<SnapshotRecord, 'keepHistory'> } {
  const m = JSON.parse(payload) as SnapshotMessage;
  return {
    input: { traderId: m.traderId, address: m.address, time: m.time, positions: m.positions, partial: m.partial, marks: m.marks },
    record: {
      traderId: m.traderId,
      time: m.time,
      accountValue: m.accountValue,
      totalNtlPos: m.totalNtlPos,
      positions: m.positions,
      raw: m.raw,
    },
  };
}
