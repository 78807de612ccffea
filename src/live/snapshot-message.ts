import type { ParsedAccountState } from '../hyperliquid/hyperliquid.types';
import { markPrices } from './snapshot-math';
import type { SnapshotInput } from './live-book';
import type { SnapshotRecord } from './live.repository';
import type { RiskSnapshot } from './risk-watch';

/** What tracking puts on the snapshots stream for the live applier. */
export interface SnapshotMessage {
  traderId: string;
  address: string;
  time: number;
  /** False when the exchange gave no time and `time` is the fetcher's clock (absent in older messages: known). */
  timeKnown?: boolean;
  accountValue: string;
  totalNtlPos: string;
  partial: boolean;
  /** crossMaintenanceMarginUsed (absent in messages written before it was added). */
  maintenance?: string | null;
  positions: Array<{ coin: string; szi: string; entryPx: string | null; liquidationPx?: string | null }>;
  marks: Record<string, string>;
  raw: unknown;
}

export function encodeSnapshot(trader: { id: string; address: string }, state: ParsedAccountState, raw: unknown, fallbackTime: number): string {
  const msg: SnapshotMessage = {
    traderId: trader.id,
    address: trader.address,
    time: state.time ?? fallbackTime,
    timeKnown: state.time !== null,
    accountValue: state.accountValue,
    totalNtlPos: state.totalNtlPos,
    partial: state.invalidPositions > 0,
    maintenance: state.crossMaintenanceMarginUsed,
    positions: state.positions.map((p) => ({ coin: p.coin, szi: p.szi, entryPx: p.entryPx, liquidationPx: p.liquidationPx })),
    marks: markPrices(state.positions),
    raw,
  };
  return JSON.stringify(msg);
}

export function decodeSnapshot(payload: string): { input: SnapshotInput; record: Omit<SnapshotRecord, 'keepHistory'>; risk: RiskSnapshot } {
  const m = JSON.parse(payload) as SnapshotMessage;
  return {
    input: {
      traderId: m.traderId,
      address: m.address,
      time: m.time,
      positions: m.positions.map((p) => ({ coin: p.coin, szi: p.szi, entryPx: p.entryPx })),
      partial: m.partial,
      marks: m.marks,
      timeKnown: m.timeKnown !== false,
    },
    risk: {
      accountValue: m.accountValue,
      maintenance: m.maintenance ?? null,
      positions: m.positions.map((p) => ({ coin: p.coin, szi: p.szi, mark: m.marks[p.coin] ?? null, liquidationPx: p.liquidationPx ?? null })),
    },
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
