import type { MetaAndAssetCtxs, ParsedList, PerpAssetCtx, PerpMeta } from './hyperliquid.types';
import {
  asArray, asObject, decimalField, fail, HyperliquidParseError, integerField, isObject,
  normaliseDecimal, optionalDecimalField, parseEach, stringField,
} from './parse-primitives';

/** Parsers of market-wide responses: meta, metaAndAssetCtxs, allMids (the stats leaderboard file: stats-leaderboard-parser.ts). */

function parsePerpMeta(raw: unknown, index: number): PerpMeta {
  const m = asObject(raw, 'universe[]');
  return {
    name: stringField(m, 'name'),
    assetId: index,
    szDecimals: integerField(m, 'szDecimals'),
    maxLeverage: integerField(m, 'maxLeverage'),
    isDelisted: m.isDelisted === true,
    onlyIsolated: m.onlyIsolated === true,
  };
}

/** `meta`: the perp universe; `assetId` is the index in the raw list (bad entries keep their slot). */
export function parseMeta(raw: unknown): ParsedList<PerpMeta> {
  const root = asObject(raw, 'meta');
  return parseEach(asArray(root.universe, 'universe'), parsePerpMeta);
}

function parseAssetCtx(raw: unknown, coin: string): PerpAssetCtx {
  const c = asObject(raw, 'assetCtx');
  return {
    coin,
    markPx: decimalField(c, 'markPx'),
    midPx: optionalDecimalField(c, 'midPx'),
    oraclePx: optionalDecimalField(c, 'oraclePx'),
    funding: optionalDecimalField(c, 'funding'),
    openInterest: optionalDecimalField(c, 'openInterest'),
    dayNtlVlm: optionalDecimalField(c, 'dayNtlVlm'),
    prevDayPx: optionalDecimalField(c, 'prevDayPx'),
  };
}

/** `metaAndAssetCtxs`: `[meta, ctx[]]`, ctx i belongs to universe i. */
export function parseMetaAndAssetCtxs(raw: unknown): MetaAndAssetCtxs {
  const pair = asArray(raw, 'metaAndAssetCtxs');
  if (pair.length < 2) fail('metaAndAssetCtxs: expected [meta, ctxs]');
  const meta = parseMeta(pair[0]);
  const rawCtxs = asArray(pair[1], 'assetCtxs');
  let invalid = meta.invalid;
  const ctxs: PerpAssetCtx[] = [];
  for (const perp of meta.items) {
    try {
      ctxs.push(parseAssetCtx(rawCtxs[perp.assetId], perp.name));
    } catch (err) {
      if (!(err instanceof HyperliquidParseError)) throw err;
      invalid++;
    }
  }
  return { universe: meta.items, ctxs, invalid };
}

/** `allMids` (REST) or the `mids` of the `allMids` channel: coin → mid price. Spot coins included. */
export function parseAllMids(raw: unknown): { mids: Record<string, string>; invalid: number } {
  const root = asObject(raw, 'allMids');
  const source = isObject(root.mids) ? root.mids : root;
  const mids: Record<string, string> = {};
  let invalid = 0;
  for (const coin of Object.keys(source)) {
    const px = normaliseDecimal(source[coin]);
    if (px === null || coin === '__proto__') invalid++;
    else mids[coin] = px;
  }
  return { mids, invalid };
}
