import { type RedisContract, parseJson } from './contract';

/** Every Redis key and channel of copy trading; copy/copy-channels.ts gives them copy's view types. */
export const CopyKeys = {
  /**
   * Pub/sub: engine → api, followers' `copy_order` / `copy_alert` for their Socket.IO rooms: one
   * event, or a JSON array of the events an engine produced in one tick (see `encodeCopyEvents`).
   */
  eventsChannel: 'ts:copy:events',
  /** Pub/sub: api → engines, "reload this follower" (settings, status, follows changed) or the halt. */
  commandsChannel: 'ts:copy:commands',
  /** LIST of agent-approval checks, api → a worker (the api role never calls the exchange). */
  agentChecks: 'ts:copy:agent-checks',
  /** Prefix of the one-element LISTs answering one agent check each. */
  agentCheckReplyPrefix: 'ts:copy:agent-check:',
  /** LIST (one element) answering one agent check. */
  agentCheckReply: (id: string) => `${CopyKeys.agentCheckReplyPrefix}${id}`,
  /** HASH coin → latest stream price, written by the engines for the api's views. */
  marks: 'ts:copy:marks',
  /** Prefix of the followers' leases. */
  leasePrefix: 'ts:copy:lease:',
  /** The lease of the worker driving a follower (value = worker id). */
  lease: (followerId: string) => `${CopyKeys.leasePrefix}${followerId}`,
} as const;

/** A copy event; the data types are copy's views (copy/api/copy-views.ts). */
export type CopyEventOf<TOrder, TAlert> =
  | { type: 'copy_order'; follower_id: string; data: TOrder }
  | { type: 'copy_alert'; follower_id: string; data: TAlert };

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

export const encode = <TOrder, TAlert>(v: CopyEventOf<TOrder, TAlert> | CopyCommand | AgentCheckRequest | AgentCheckReply): string =>
  JSON.stringify(v);

/** Several events in one message (a leader's trade with a thousand followers is one publish, not a thousand). */
export const encodeCopyEvents = <TOrder, TAlert>(events: ReadonlyArray<CopyEventOf<TOrder, TAlert>>): string => JSON.stringify(events);

const isCopyEvent = <TOrder, TAlert>(v: CopyEventOf<TOrder, TAlert> | null | undefined): v is CopyEventOf<TOrder, TAlert> =>
  !!v && (v.type === 'copy_order' || v.type === 'copy_alert') && typeof v.follower_id === 'string';

/** One message holding exactly one event (else null). */
export function decodeCopyEvent<TOrder, TAlert>(raw: string): CopyEventOf<TOrder, TAlert> | null {
  const [first, ...rest] = decodeCopyEvents<TOrder, TAlert>(raw);
  return first && rest.length === 0 ? first : null;
}

/** The events of one message (a single event or an array of them); malformed entries are dropped. */
export function decodeCopyEvents<TOrder, TAlert>(raw: string): Array<CopyEventOf<TOrder, TAlert>> {
  const v = parseJson(raw) as CopyEventOf<TOrder, TAlert> | Array<CopyEventOf<TOrder, TAlert>> | undefined;
  return Array.isArray(v) ? v.filter((e) => isCopyEvent(e)) : isCopyEvent(v) ? [v] : [];
}

export function decodeCommand(raw: string): CopyCommand | null {
  const v = parseJson(raw) as CopyCommand | undefined;
  if (v?.kind === 'reload' && typeof v.follower_id === 'string') return v;
  if (v?.kind === 'halt' && typeof v.halted === 'boolean') return v;
  return null;
}

export function decodeAgentCheck(raw: string): AgentCheckRequest | null {
  const v = parseJson(raw) as AgentCheckRequest | undefined;
  return typeof v?.id === 'string' && typeof v.master === 'string' && typeof v.agent === 'string' ? v : null;
}

export function decodeAgentReply(raw: string): AgentCheckReply | null {
  const v = parseJson(raw) as AgentCheckReply | undefined;
  return typeof v?.approved === 'boolean' ? v : null;
}

export function decodeMarks(raw: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [coin, px] of Object.entries(raw)) {
    const n = Number(px);
    if (Number.isFinite(n) && n > 0) out[coin] = n;
  }
  return out;
}

export const contract: RedisContract = {
  title: 'copy trading channels, queues, marks and leases (copy api ↔ copy engines)',
  names: [
    { name: CopyKeys.eventsChannel, type: 'channel' },
    { name: CopyKeys.commandsChannel, type: 'channel' },
    { name: CopyKeys.agentChecks, type: 'list' },
    { name: CopyKeys.agentCheckReplyPrefix, type: 'prefix' },
    { name: CopyKeys.marks, type: 'hash' },
    { name: CopyKeys.leasePrefix, type: 'prefix' },
  ],
  users: ['copy'],
};
