import type { AlertView, OrderView } from './api/copy-views';
import { type CopyEventOf, decodeCopyEvent, decodeCopyEvents, encodeCopyEvents } from '../redis/contracts/copy-channels';

/** Copy trading's Redis names and codecs are declared in redis/contracts/copy-channels.ts; here with copy's view types. */
export {
  CopyKeys,
  encode,
  decodeCommand,
  decodeAgentCheck,
  decodeAgentReply,
  decodeMarks,
  type CopyCommand,
  type AgentCheckRequest,
  type AgentCheckReply,
} from '../redis/contracts/copy-channels';

export type CopyEvent = CopyEventOf<OrderView, AlertView>;

export const decodeEvent = (raw: string): CopyEvent | null => decodeCopyEvent<OrderView, AlertView>(raw);
export const encodeEvents = (events: readonly CopyEvent[]): string => encodeCopyEvents<OrderView, AlertView>(events);
export const decodeEvents = (raw: string): CopyEvent[] => decodeCopyEvents<OrderView, AlertView>(raw);
