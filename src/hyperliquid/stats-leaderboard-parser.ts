import type { Address, DecimalString } from './hyperliquid.types';
import { asArray, asObject, decimalField, isObject, JsonObject, normaliseAddress, optionalStringField } from './parse-primitives';

/**
 * The exchange's public leaderboard file (`GET https://stats-data.hyperliquid.xyz/Mainnet/leaderboard`,
 * no weight): `{"leaderboardRows":[{"ethAddress","accountValue","displayName","windowPerformances":
 * [["day",{"pnl","roi","vlm"}],["week",…],["month",…],["allTime",…]],"prize"}]}`.
 */

export const EXCHANGE_BOARD_WINDOWS = ['day', 'week', 'month', 'allTime'] as const;
export type ExchangeBoardWindow = (typeof EXCHANGE_BOARD_WINDOWS)[number];

export interface WindowPerformance {
  pnl: DecimalString;
  roi: DecimalString;
  vlm: DecimalString;
}

export interface ExchangeBoardRow {
  address: Address;
  accountValue: DecimalString;
  displayName: string | null;
  windows: Partial<Record<ExchangeBoardWindow, WindowPerformance>>;
}

export interface ParsedExchangeBoard {
  rows: ExchangeBoardRow[];
  /** Rows skipped as malformed (bad address, missing account value, …). */
  invalid: number;
}

const WINDOW_NAMES = new Set<string>(EXCHANGE_BOARD_WINDOWS);

/** A window with a malformed figure is left out (the row keeps its other windows). */
function parseWindow(w: JsonObject): WindowPerformance | null {
  try {
    return { pnl: decimalField(w, 'pnl'), roi: decimalField(w, 'roi'), vlm: decimalField(w, 'vlm') };
  } catch {
    return null;
  }
}

function parseRow(raw: unknown): ExchangeBoardRow | null {
  if (!isObject(raw)) return null;
  const address = normaliseAddress(raw.ethAddress);
  if (address === null) return null;
  try {
    const windows: Partial<Record<ExchangeBoardWindow, WindowPerformance>> = {};
    for (const el of Array.isArray(raw.windowPerformances) ? raw.windowPerformances : []) {
      if (!Array.isArray(el) || typeof el[0] !== 'string' || !WINDOW_NAMES.has(el[0]) || !isObject(el[1])) continue;
      const perf = parseWindow(el[1]);
      if (perf) windows[el[0] as ExchangeBoardWindow] = perf;
    }
    const name = optionalStringField(raw, 'displayName');
    return { address, accountValue: decimalField(raw, 'accountValue'), displayName: name ? name.slice(0, 64) : null, windows };
  } catch {
    return null;
  }
}

/** Malformed rows are skipped and counted; a body that is not the file's shape throws. */
export function parseExchangeBoard(raw: unknown): ParsedExchangeBoard {
  const rows: ExchangeBoardRow[] = [];
  const seen = new Set<string>();
  let invalid = 0;
  for (const el of asArray(asObject(raw, 'leaderboard').leaderboardRows, 'leaderboardRows')) {
    const row = parseRow(el);
    if (row === null) invalid++;
    else if (!seen.has(row.address)) {
      seen.add(row.address);
      rows.push(row);
    }
  }
  return { rows, invalid };
}
