import * as v from 'valibot';
import type { CancelResponse, OrderResponse, UpdateLeverageResponse } from '@nktkas/hyperliquid/script/api/exchange/mod';
import type { ExtraAgentsResponse, OrderStatusResponse, UserRateLimitResponse } from '@nktkas/hyperliquid/script/api/info/mod';

/**
 * valibot schemas of the exchange's answers. @nktkas/hyperliquid 0.32 validates requests with
 * valibot but declares responses only as TypeScript types; these schemas follow those types, and
 * the `Same` checks below fail `npm run lint` if a schema's output drifts from the SDK's type.
 */

const Decimal = v.pipe(v.string(), v.regex(/^[0-9]+(\.[0-9]+)?$/));
const Hex = v.pipe(v.string(), v.regex(/^0x[0-9a-f]+$/));
const Cloid = v.pipe(v.string(), v.regex(/^0x[0-9a-f]{32}$/), v.transform((s) => s as `0x${string}`));
const Address = v.pipe(Hex, v.length(42), v.transform((s) => s as `0x${string}`));

const orderStatus = v.union([
  v.strictObject({ resting: v.strictObject({ oid: v.number(), cloid: v.optional(Cloid) }) }),
  v.strictObject({ filled: v.strictObject({ totalSz: Decimal, avgPx: Decimal, oid: v.number(), cloid: v.optional(Cloid) }) }),
  v.strictObject({ error: v.string() }),
  v.literal('waitingForFill'),
  v.literal('waitingForTrigger'),
]);

export const ExchangeSchemas = {
  order: v.strictObject({
    status: v.literal('ok'),
    response: v.strictObject({ type: v.literal('order'), data: v.strictObject({ statuses: v.array(orderStatus) }) }),
  }),
  cancel: v.strictObject({
    status: v.literal('ok'),
    response: v.strictObject({
      type: v.literal('cancel'),
      data: v.strictObject({ statuses: v.array(v.union([v.literal('success'), v.strictObject({ error: v.string() })])) }),
    }),
  }),
  default: v.strictObject({ status: v.literal('ok'), response: v.strictObject({ type: v.literal('default') }) }),
  error: v.strictObject({ status: v.literal('err'), response: v.string() }),
};

const Tif = v.nullable(v.picklist(['Gtc', 'Ioc', 'Alo', 'FrontendMarket', 'LiquidationMarket']));
const OrderType = v.picklist(['Market', 'Limit', 'Stop Market', 'Stop Limit', 'Take Profit Market', 'Take Profit Limit']);

export const InfoSchemas = {
  orderStatus: v.union([
    v.strictObject({
      status: v.literal('order'),
      order: v.strictObject({
        order: v.strictObject({
          coin: v.string(),
          side: v.picklist(['B', 'A']),
          limitPx: Decimal,
          sz: Decimal,
          oid: v.number(),
          timestamp: v.number(),
          origSz: Decimal,
          triggerCondition: v.string(),
          isTrigger: v.boolean(),
          triggerPx: Decimal,
          children: v.array(v.unknown()),
          isPositionTpsl: v.boolean(),
          reduceOnly: v.boolean(),
          orderType: OrderType,
          tif: Tif,
          cloid: v.nullable(Cloid),
        }),
        status: v.string(),
        statusTimestamp: v.number(),
      }),
    }),
    v.strictObject({ status: v.literal('unknownOid') }),
  ]),
  extraAgents: v.array(v.strictObject({ address: Address, name: v.string(), validUntil: v.number() })),
  userRateLimit: v.strictObject({ cumVlm: Decimal, nRequestsUsed: v.number(), nRequestsCap: v.number(), nRequestsSurplus: v.number() }),
};

/** Compile-time: each schema's output is assignable to the SDK's response type. */
type Assignable<T extends U, U> = T;
export type SchemaChecks = [
  Assignable<v.InferOutput<typeof ExchangeSchemas.order>, OrderResponse>,
  Assignable<v.InferOutput<typeof ExchangeSchemas.cancel>, CancelResponse>,
  Assignable<v.InferOutput<typeof ExchangeSchemas.default>, UpdateLeverageResponse>,
  Assignable<v.InferOutput<typeof InfoSchemas.extraAgents>, ExtraAgentsResponse>,
  Assignable<v.InferOutput<typeof InfoSchemas.userRateLimit>, UserRateLimitResponse>,
  Assignable<Omit<Extract<v.InferOutput<typeof InfoSchemas.orderStatus>, { status: 'order' }>, 'order'>, Omit<Extract<OrderStatusResponse, { status: 'order' }>, 'order'>>,
];
