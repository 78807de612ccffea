import { type RedisContract, parseJson } from './contract';

/** A span of trades the live engine did not get (exchange time, ms). */
export interface StreamGap {
  from: number;
  to: number;
}

/** LIST of gaps in the trade stream (JSON {from, to}), LPUSHed by discovery, RPOPed by tracking. */
export const StreamGaps = {
  key: 'ts:stream:gaps',
  /** Most recent gaps kept for tracking (it drains them within a second while it runs). */
  kept: 1000,
} as const;

export const encodeStreamGap = (gap: StreamGap): string => JSON.stringify({ from: gap.from, to: gap.to });

/** A gap, or null when the element is not one. */
export function decodeStreamGap(raw: string): StreamGap | null {
  const v = parseJson(raw) as Partial<StreamGap> | undefined;
  return typeof v?.from === 'number' && typeof v.to === 'number' ? { from: v.from, to: v.to } : null;
}

export const contract: RedisContract = {
  title: 'trade stream gaps (discovery → tracking)',
  names: [{ name: StreamGaps.key, type: 'list' }],
  users: ['discovery', 'tracking'],
};
