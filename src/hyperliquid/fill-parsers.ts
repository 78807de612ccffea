import type { Fill, FillLiquidation, ParsedList } from './hyperliquid.types';
import {
  asObject, booleanField, decimalField, fail, integerField, isObject, normaliseAddress,
  optionalDecimalField, optionalIntegerField, optionalStringField, parseEach, sideField,
  stringField,
} from './parse-primitives';

/** Parsers of a user's own fills (`userFills`, `userFillsByTime`, `user` / `userFills` channels). */

function parseLiquidation(raw: unknown): FillLiquidation {
  const liq = asObject(raw, 'liquidation');
  const method = liq.method;
  return {
    liquidatedUser: normaliseAddress(liq.liquidatedUser),
    markPx: decimalField(liq, 'markPx'),
    method: typeof method === 'string' && method.length > 0 ? method : 'unknown',
  };
}

/**
 * One fill. Both shapes are accepted: the current one (`tid`, `feeToken`, `twapId`, maybe
 * `liquidation`, `builderFee`, `cloid`) and the 2023 one without `tid` / `feeToken`.
 */
export function parseFill(raw: unknown): Fill {
  const f = asObject(raw, 'fill');
  const fill: Fill = {
    coin: stringField(f, 'coin'),
    px: decimalField(f, 'px'),
    sz: decimalField(f, 'sz'),
    side: sideField(f, 'side'),
    time: integerField(f, 'time'),
    startPosition: decimalField(f, 'startPosition'),
    dir: stringField(f, 'dir'),
    closedPnl: decimalField(f, 'closedPnl'),
    hash: stringField(f, 'hash'),
    oid: integerField(f, 'oid'),
    crossed: booleanField(f, 'crossed'),
    fee: decimalField(f, 'fee'),
    tid: optionalIntegerField(f, 'tid'),
    feeToken: optionalStringField(f, 'feeToken'),
    twapId: optionalIntegerField(f, 'twapId'),
  };
  if (f.liquidation !== undefined && f.liquidation !== null) fill.liquidation = parseLiquidation(f.liquidation);
  const builderFee = optionalDecimalField(f, 'builderFee');
  if (builderFee !== null) fill.builderFee = builderFee;
  const cloid = optionalStringField(f, 'cloid');
  if (cloid !== null) fill.cloid = cloid;
  return fill;
}

/**
 * A list of fills: the `userFills` / `userFillsByTime` array, or a WebSocket `user` /
 * `userFills` payload (`{fills: […]}`). Bad fills are skipped and counted.
 */
export function parseFills(raw: unknown): ParsedList<Fill> {
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.fills) ? raw.fills : null;
  if (list === null) fail('fills: not an array');
  return parseEach(list, parseFill);
}

/**
 * A stable identity for deduplicating fills: `tid` when present; for 2023 fills (no tid),
 * hash + oid + time + px + sz + startPosition (one order's partial fills differ in these).
 */
export function fillKey(fill: Fill): string {
  if (fill.tid !== null) return `${fill.coin}:t${fill.tid}`;
  return `${fill.coin}:${fill.hash}:${fill.oid}:${fill.time}:${fill.px}:${fill.sz}:${fill.startPosition}`;
}
