import type { AlertView, OrderView } from './api/copy-views';

/** Every Redis key and channel of copy trading (owned here; others call these helpers). */
export const CopyKeys = {
  /**
   * Pub/sub: engine → api, followers' `copy_order` / `copy_alert` for their Socket.IO rooms: one
   * event, or a JSON array of the events an engine produced in one tick (see `encodeEvents`).
   */
  eventsChannel: 'ts:copy:events',
  /** Pub/sub: api → engines, "reload this follower" (settings, status, follows changed) or the halt. */
  commandsChannel: 'ts:copy:commands',
  /** LIST of agent-approval checks, api → a worker (the api role never calls the exchange). */
  agentChecks: 'ts:copy:agent-checks',
  /** LIST (one element) answering one agent check. */
  agentCheckReply: (id: string) => `ts:copy:agent-check:${id}`,
  /** HASH coin → latest stream price, written by the engines for the api's views. */
  marks: 'ts:copy:marks',
  /** The lease of the worker driving a follower (value = worker id). */
  lease: (followerId: string) => `ts:copy:lease:${followerId}`,
} as const;

export type CopyEvent =
  | { type: 'copy_order'; follower_id: string; data: OrderView }
  | { type: 'copy_alert'; follower_id: string; data: AlertView };

export type CopyCommand = { kind: 'reload'; follower_id: string } | { kind: 'halt'; halted: boolean };

export interface AgentCheckRequest {
  id: string;
  master: string;
  agent: string;
}

export interface AgentCheckReply {
  approved: boolean;
  /** Set when the check itself failed (exchange unreachable). */
  error?: string;
}

export const encode = (v: CopyEvent | CopyCommand | AgentCheckRequest | AgentCheckReply): string => JSON.stringify(v);

/** Several events in one message (a leader's trade with a thousand followers is one publish, not a thousand). */
export const encodeEvents = (events: readonly CopyEvent[]): string => JSON.stringify(events);

const isEvent = (v: CopyEvent | null | undefined): v is CopyEvent =>
  !!v && (v.type === 'copy_order' || v.type === 'copy_alert') && typeof v.follower_id === 'string';

export function decodeEvent(raw: string): CopyEvent | null {
  const [first, ...rest] = decodeEvents(raw);
  return first && rest.length === 0 ? first : null;
}

/** The events of one message (a single event or an array of them); malformed entries are dropped. */
export function decodeEvents(raw: string): CopyEvent[] {
  try {
    const v = JSON.parse(raw) as CopyEvent | CopyEvent[];
    return Array.isArray(v) ? v.filter(isEvent) : isEvent(v) ? [v] : [];
  } catch {
    return [];
  }
}

export function decodeCommand(raw: string): CopyCommand | null {
  try {
    const v = JSON.parse(raw) as CopyCommand;
    if (v?.kind === 'reload' && typeof v.follower_id === 'string') return v;
    if (v?.kind === 'halt' && typeof v.halted === 'boolean') return v;
    return null;
  } catch {
    return null;
  }
}

export function decodeAgentCheck(raw: string): AgentCheckRequest | null {
  try {
    const v = JSON.parse(raw) as AgentCheckRequest;
    return typeof v?.id === 'string' && typeof v.master === 'string' && typeof v.agent === 'string' ? v : null;
  } catch {
    return null;
  }
}

export function decodeAgentReply(raw: string): AgentCheckReply | null {
  try {
    const v = JSON.parse(raw) as AgentCheckReply;
    return typeof v?.approved === 'boolean' ? v : null;
  } catch {
    return null;
  }
}

export function decodeMarks(raw: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [coin, px] of Object.entries(raw)) {
    const n = Number(px);
    if (Number.isFinite(n) && n > 0) out[coin] = n;
  }
  return out;
}
