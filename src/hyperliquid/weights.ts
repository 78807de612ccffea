/**
 * Rate-limit weight of `POST /info` requests (see test/fixtures/PROTOCOL.md): 1200 per minute
 * per IP, shared by every REST call.
 */

export interface InfoRequestBody {
  type: string;
  [key: string]: unknown;
}

/** Weight of the request itself, per documented type. */
export const INFO_REQUEST_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  clearinghouseState: 2,
  allMids: 2,
  meta: 20,
  metaAndAssetCtxs: 20,
  userFills: 20,
  userFillsByTime: 20,
  portfolio: 20,
  userFunding: 20,
  userRole: 60,
  orderStatus: 2,
});

/** Weight of any type not listed above (the exchange's default for info requests). */
export const DEFAULT_INFO_WEIGHT = 20;

/**
 * ASSUMPTION: `batchClearinghouseStates` is undocumented upstream. We assume it costs what the
 * equivalent single calls would (2 per user, at least 2). Probe before relying on it.
 */
export const BATCH_CLEARINGHOUSE_WEIGHT_PER_USER = 2;

/** Types that cost one extra weight per `ITEMS_PER_EXTRA_WEIGHT` items returned. */
export const ITEM_WEIGHTED_TYPES: ReadonlySet<string> = new Set(['userFills', 'userFillsByTime', 'userFunding']);
export const ITEMS_PER_EXTRA_WEIGHT = 20;

/**
 * Most items one response of an item-weighted type can hold (fills pages are capped at 2000;
 * funding is assumed to be capped no higher). Used to reserve the worst case up front.
 */
export const MAX_ITEMS_PER_RESPONSE = 2000;

/** Base weight of one info request (before any per-item surcharge). */
export function infoRequestWeight(body: InfoRequestBody): number {
  if (body.type === 'batchClearinghouseStates') {
    const users = Array.isArray(body.users) ? body.users.length : 0;
    return Math.max(1, users) * BATCH_CLEARINGHOUSE_WEIGHT_PER_USER;
  }
  return INFO_REQUEST_WEIGHTS[body.type] ?? DEFAULT_INFO_WEIGHT;
}

/** Surcharge for `itemCount` items returned: floor(items / 20) for the item-weighted types, else 0. */
export function extraWeightForItems(type: string, itemCount: number): number {
  if (!ITEM_WEIGHTED_TYPES.has(type) || !(itemCount > 0)) return 0;
  return Math.floor(itemCount / ITEMS_PER_EXTRA_WEIGHT);
}

/** Weight actually charged for a response holding `itemCount` items. */
export function actualWeight(body: InfoRequestBody, itemCount: number): number {
  return infoRequestWeight(body) + extraWeightForItems(body.type, itemCount);
}

/** Worst-case weight to reserve before sending (a full page for item-weighted types: 20 + 100). */
export function maxWeight(body: InfoRequestBody): number {
  return infoRequestWeight(body) + extraWeightForItems(body.type, MAX_ITEMS_PER_RESPONSE);
}
