import type { ExtraAgent, Hex, OrderStatusResult, UserRateLimit } from './exchange.types';
import {
  asArray, asObject, booleanField, decimalField, fail, integerField, isObject, normaliseAddress,
  optionalStringField, parseAddress, sideField, stringField,
} from './parse-primitives';

/** `orderStatus`: `{status:"order", order:{order:{…}, status, statusTimestamp}}` or `{status:"unknownOid"}`. */
export function parseOrderStatus(raw: unknown): OrderStatusResult {
  const root = asObject(raw, 'orderStatus');
  const status = stringField(root, 'status');
  if (status === 'unknownOid') return { known: false };
  if (status !== 'order') fail(`status: unexpected ${JSON.stringify(status).slice(0, 40)}`);
  const wrapper = asObject(root.order, 'order');
  const order = asObject(wrapper.order, 'order.order');
  const cloid = optionalStringField(order, 'cloid');
  return {
    known: true,
    status: stringField(wrapper, 'status'),
    statusTimestamp: integerField(wrapper, 'statusTimestamp'),
    oid: integerField(order, 'oid'),
    cloid: cloid === null ? null : (cloid.toLowerCase() as Hex),
    coin: stringField(order, 'coin'),
    side: sideField(order, 'side'),
    limitPx: decimalField(order, 'limitPx'),
    sz: decimalField(order, 'sz'),
    origSz: decimalField(order, 'origSz'),
    reduceOnly: booleanField(order, 'reduceOnly'),
    tif: optionalStringField(order, 'tif'),
  };
}

/** `extraAgents`: the master's named agents. */
export function parseExtraAgents(raw: unknown): ExtraAgent[] {
  return asArray(raw, 'extraAgents').map((el) => {
    const o = asObject(el, 'extraAgents[]');
    return { name: stringField(o, 'name'), address: parseAddress(o.address, 'address') as Hex, validUntil: integerField(o, 'validUntil') };
  });
}

/** `userRateLimit`: the per-address request allowance. */
export function parseUserRateLimit(raw: unknown): UserRateLimit {
  const o = asObject(raw, 'userRateLimit');
  return {
    cumVlm: decimalField(o, 'cumVlm'),
    nRequestsUsed: integerField(o, 'nRequestsUsed'),
    nRequestsCap: integerField(o, 'nRequestsCap'),
    nRequestsSurplus: isObject(o) && o.nRequestsSurplus !== undefined ? integerField(o, 'nRequestsSurplus') : 0,
  };
}

/** An agent's `userRole` answer: the master it acts for, or null when the address is not an agent. */
export function agentMasterOf(role: { role: string; linkedUser: string | null }): Hex | null {
  return role.role === 'agent' && role.linkedUser ? (normaliseAddress(role.linkedUser) as Hex | null) : null;
}
