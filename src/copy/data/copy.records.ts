import type { FollowSettings, FollowState } from '../domain/sizing';

export type FollowerMode = 'paper' | 'live';
export type FollowerStatus = 'active' | 'paused' | 'stopped';
export type OrderStatus = 'pending' | 'sent' | 'filled' | 'partially_filled' | 'rejected' | 'failed' | 'skipped';
export type OrderTrigger = 'signal' | 'reconcile' | 'stop';

export interface FollowerRecord {
  id: string;
  address: string;
  name: string | null;
  mode: FollowerMode;
  status: FollowerStatus;
  stopReason: string | null;
  /** Encrypted; never leaves the engine. */
  agentKeyEnc: string | null;
  agentAddress: string | null;
  paperEquityUsd: number;
  maxDrawdownPct: number | null;
  equityUsd: number;
  peakEquityUsd: number;
  realizedPnlUsd: number;
  feesUsd: number;
  createdAt: Date;
}

export interface FollowRecord {
  id: string;
  followerId: string;
  leaderId: string;
  leader: string;
  status: 'active' | 'stopped' | 'removed';
  stopReason: string | null;
  settings: FollowSettings;
  maxLossUsd: number | null;
  slippageBps: number | null;
  rebalanceBandPct: number;
  copyOpenPositions: boolean;
  /** null until the engine saw the leader for the first time (then the baseline of ignored positions). */
  state: (FollowState & { held?: Record<string, { size: number; entryPx: number }> }) | null;
  realizedPnlUsd: number;
  feesUsd: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a copy order is, as it is journaled (before it is sent) and read back. */
export interface OrderSpec {
  followerId: string;
  cloid: string;
  leader: string | null;
  coin: string;
  side: 'buy' | 'sell';
  kind: string;
  size: string;
  limitPrice: string | null;
  reduceOnly: boolean;
  error: string | null;
  trigger: OrderTrigger;
  triggerEventId: string | null;
  triggerTime: Date | null;
  leaderPrice: string | null;
}

export interface OrderRecord extends OrderSpec {
  id: string;
  status: OrderStatus;
  filledSize: string;
  avgPrice: string | null;
  feeUsd: string;
  oid: string | null;
  createdAt: Date;
  sentAt: Date | null;
  ackedAt: Date | null;
  filledAt: Date | null;
}

export interface CopyPositionRecord {
  coin: string;
  size: number;
  entryPx: number;
  desiredSize: number;
  leverage: number | null;
}

export interface AlertRecord {
  id: string;
  followerId: string;
  kind: string;
  message: string;
  createdAt: Date;
}

export const num = (v: string | number | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** Rows of an `UPDATE … RETURNING` (TypeORM's query() answers `[rows, affected]` for UPDATE and DELETE). */
export function updatedRows<T>(result: unknown): T[] {
  const r = result as unknown[];
  return Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number' ? (r[0] as T[]) : (r as T[]);
}
