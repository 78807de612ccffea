import type {
  CumFunding,
  FundingPayment,
  ParsedAccountState,
  ParsedLeverage,
  ParsedList,
  ParsedPortfolio,
  ParsedPosition,
  ParsedUserRole,
  PortfolioPeriod,
  PortfolioSeries,
  TimePoint,
  UserRole,
} from './hyperliquid.types';
import { PORTFOLIO_PERIODS, USER_ROLES } from './hyperliquid.types';
import {
  asArray, asObject, decimalField, fail, HyperliquidParseError, integerField, integerValue,
  isObject, JsonObject, normaliseAddress, normaliseDecimal, numberField, optionalDecimalField,
  optionalIntegerField, parseEach, stringField,
} from './parse-primitives';

/** Parsers of per-user info responses: clearinghouseState, portfolio, userRole, userFunding. */

function parseLeverage(raw: unknown): ParsedLeverage | null {
  if (!isObject(raw)) return null;
  try {
    const leverage: ParsedLeverage = { type: stringField(raw, 'type'), value: numberField(raw, 'value') };
    const rawUsd = optionalDecimalField(raw, 'rawUsd');
    if (rawUsd !== null) leverage.rawUsd = rawUsd;
    return leverage;
  } catch (err) {
    if (err instanceof HyperliquidParseError) return null;
    throw err;
  }
}

function parseCumFunding(raw: unknown): CumFunding | undefined {
  if (!isObject(raw)) return undefined;
  const allTime = normaliseDecimal(raw.allTime);
  const sinceOpen = normaliseDecimal(raw.sinceOpen);
  const sinceChange = normaliseDecimal(raw.sinceChange);
  if (allTime === null || sinceOpen === null || sinceChange === null) return undefined;
  return { allTime, sinceOpen, sinceChange };
}

/** One element of `assetPositions` (`{position, type}`; a bare position object is accepted too). */
export function parsePosition(raw: unknown): ParsedPosition {
  const outer = asObject(raw, 'assetPositions[]');
  const p = isObject(outer.position) ? outer.position : outer;
  const position: ParsedPosition = {
    coin: stringField(p, 'coin'),
    szi: decimalField(p, 'szi'),
    entryPx: optionalDecimalField(p, 'entryPx'),
    positionValue: decimalField(p, 'positionValue'),
    unrealizedPnl: decimalField(p, 'unrealizedPnl'),
    returnOnEquity: optionalDecimalField(p, 'returnOnEquity'),
    leverage: parseLeverage(p.leverage),
    liquidationPx: optionalDecimalField(p, 'liquidationPx'),
    marginUsed: decimalField(p, 'marginUsed'),
  };
  const maxLeverage = integerValue(p.maxLeverage);
  if (maxLeverage !== null) position.maxLeverage = maxLeverage;
  const cumFunding = parseCumFunding(p.cumFunding);
  if (cumFunding !== undefined) position.cumFunding = cumFunding;
  return position;
}

/**
 * `clearinghouseState`. Throws `HyperliquidParseError` when the account itself is unreadable;
 * bad positions are skipped and counted in `invalidPositions`. When `invalidPositions > 0` the
 * list is incomplete: callers must not infer closed positions from it.
 */
export function parseClearinghouseState(raw: unknown): ParsedAccountState {
  const root = asObject(raw, 'clearinghouseState');
  const summary = isObject(root.marginSummary)
    ? root.marginSummary
    : isObject(root.crossMarginSummary)
      ? root.crossMarginSummary
      : fail('marginSummary: missing');
  const { items, invalid } = parseEach(asArray(root.assetPositions ?? [], 'assetPositions'), parsePosition);
  return {
    positions: items,
    invalidPositions: invalid,
    accountValue: decimalField(summary, 'accountValue'),
    totalNtlPos: decimalField(summary, 'totalNtlPos'),
    totalMarginUsed: decimalField(summary, 'totalMarginUsed'),
    totalRawUsd: optionalDecimalField(summary, 'totalRawUsd'),
    withdrawable: decimalField(root, 'withdrawable'),
    crossMaintenanceMarginUsed: optionalDecimalField(root, 'crossMaintenanceMarginUsed'),
    time: optionalIntegerField(root, 'time'),
  };
}

/**
 * `batchClearinghouseStates` (undocumented): one state per requested user, same order. An
 * unreadable or null element stays in place as `null` (so indices still match the users).
 */
export function parseBatchClearinghouseStates(raw: unknown): {
  states: (ParsedAccountState | null)[];
  invalid: number;
} {
  let invalid = 0;
  const states = asArray(raw, 'batchClearinghouseStates').map((el) => {
    try {
      return parseClearinghouseState(el);
    } catch (err) {
      if (!(err instanceof HyperliquidParseError)) throw err;
      invalid++;
      return null;
    }
  });
  return { states, invalid };
}

function parsePoints(raw: unknown, counter: { invalid: number }): TimePoint[] {
  if (!Array.isArray(raw)) {
    counter.invalid++;
    return [];
  }
  const points: TimePoint[] = [];
  for (const el of raw) {
    const time = Array.isArray(el) ? integerValue(el[0]) : null;
    const value = Array.isArray(el) ? normaliseDecimal(el[1]) : null;
    if (time === null || value === null) counter.invalid++;
    else points.push({ time, value });
  }
  return points;
}

const PERIODS = new Set<string>(PORTFOLIO_PERIODS);

/** `portfolio`: `[[period, {accountValueHistory, pnlHistory, vlm}]…]`. */
export function parsePortfolio(raw: unknown): ParsedPortfolio {
  const counter = { invalid: 0 };
  const periods: Partial<Record<PortfolioPeriod, PortfolioSeries>> = {};
  for (const el of asArray(raw, 'portfolio')) {
    if (!Array.isArray(el) || typeof el[0] !== 'string' || !isObject(el[1])) {
      counter.invalid++;
      continue;
    }
    if (!PERIODS.has(el[0])) continue;
    const body: JsonObject = el[1];
    const vlm = normaliseDecimal(body.vlm);
    if (vlm === null) {
      counter.invalid++;
      continue;
    }
    periods[el[0] as PortfolioPeriod] = {
      accountValueHistory: parsePoints(body.accountValueHistory, counter),
      pnlHistory: parsePoints(body.pnlHistory, counter),
      vlm,
    };
  }
  return { periods, invalid: counter.invalid };
}

const ROLES = new Set<string>(USER_ROLES);

/** `userRole`: `{role, data?: {master}|{user}}`. An unknown role is a parse error. */
export function parseUserRole(raw: unknown): ParsedUserRole {
  const root = asObject(raw, 'userRole');
  const role = stringField(root, 'role');
  if (!ROLES.has(role)) fail(`role: unknown value ${JSON.stringify(role).slice(0, 40)}`);
  const data = isObject(root.data) ? root.data : {};
  return { role: role as UserRole, linkedUser: normaliseAddress(data.master ?? data.user) };
}

function parseFundingPayment(raw: unknown): FundingPayment {
  const el = asObject(raw, 'userFunding[]');
  const delta = asObject(el.delta, 'delta');
  if (delta.type !== undefined && delta.type !== 'funding') fail('delta.type: not funding');
  return {
    time: integerField(el, 'time'),
    hash: stringField(el, 'hash'),
    coin: stringField(delta, 'coin'),
    usdc: decimalField(delta, 'usdc'),
    szi: decimalField(delta, 'szi'),
    fundingRate: decimalField(delta, 'fundingRate'),
    nSamples: optionalIntegerField(delta, 'nSamples'),
  };
}

/** `userFunding`: funding payments; bad elements skipped and counted. */
export function parseUserFunding(raw: unknown): ParsedList<FundingPayment> {
  return parseEach(asArray(raw, 'userFunding'), parseFundingPayment);
}
