import { type RedisContract, parseJson } from './contract';

/** One api instance's report: live WebSocket connections and when it counted them (ms). */
export interface ConnectionReport {
  n: number;
  at: number;
}

/** HASH api instance id → JSON {n, at}: live WebSocket connections per api process (for /api/v1/stats). */
export const WsConnections = { key: 'ts:ws:connections' } as const;

export const encodeConnectionReport = (r: ConnectionReport): string => JSON.stringify({ n: r.n, at: r.at });

/** A report, or null when the value is not one. */
export function decodeConnectionReport(raw: string): ConnectionReport | null {
  const v = parseJson(raw) as Partial<ConnectionReport> | undefined;
  return typeof v?.n === 'number' && typeof v.at === 'number' ? { n: v.n, at: v.at } : null;
}

export const contract: RedisContract = {
  title: 'WebSocket connection counts (api instances)',
  names: [{ name: WsConnections.key, type: 'hash' }],
  users: ['gateway'],
};
