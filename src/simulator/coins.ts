import { formatScaled } from './format';

/**
 * The default perp universe: the recorded `meta` fixture (test/fixtures/info/meta.json), with the
 * recorded `allMids` (test/fixtures/info/allMids.json) as starting mid prices. A perp's asset id
 * is its index in this list, as on the exchange.
 */
const DEFAULT_UNIVERSE: ReadonlyArray<readonly [name: string, szDecimals: number, maxLeverage: number, mid: number]> = [
  ['BTC', 5, 50, 30135.0],
  ['ETH', 4, 50, 1903.95],
  ['ATOM', 2, 50, 9.3384],
  ['MATIC', 1, 50, 0.77389],
  ['DYDX', 1, 50, 2.11305],
  ['SOL', 2, 50, 26.516],
  ['AVAX', 2, 50, 14.1705],
  ['BNB', 3, 50, 243.135],
  ['APE', 1, 50, 1.96595],
  ['OP', 1, 50, 1.45515],
  ['LTC', 2, 50, 91.832],
  ['ARB', 1, 50, 1.28895],
  ['DOGE', 0, 50, 0.069277],
  ['INJ', 1, 50, 9.32295],
  ['SUI', 1, 50, 0.69539],
  ['kPEPE', 0, 50, 0.001565],
  ['CRV', 1, 50, 0.79852],
  ['LDO', 1, 50, 2.0457],
  ['LINK', 1, 50, 6.9123],
  ['STX', 1, 50, 0.62927],
  ['RNDR', 1, 50, 1.94575],
  ['CFX', 0, 50, 0.186535],
  ['FTM', 0, 50, 0.26268],
  ['GMX', 2, 50, 55.8595],
  ['SNX', 1, 50, 2.6256],
  ['XRP', 0, 50, 0.73862],
  ['BCH', 3, 50, 240.525],
  ['APT', 2, 50, 7.7731],
];

/** How much of the flow each coin gets (BTC and ETH dominate, as on the exchange). */
const POPULARITY: Readonly<Record<string, number>> = { BTC: 30, ETH: 18, SOL: 8, DOGE: 4, XRP: 4, kPEPE: 3, ARB: 3, SUI: 3 };

export const DEFAULT_COINS: readonly string[] = DEFAULT_UNIVERSE.map((u) => u[0]);

export interface CoinSpec {
  /** Position in the simulator's universe (the asset id). */
  readonly index: number;
  readonly name: string;
  readonly szDecimals: number;
  readonly maxLeverage: number;
  /** 10^szDecimals: sizes are held as integers of 1/szScale. */
  readonly szScale: number;
  /** Perp prices have at most 6 - szDecimals decimals. */
  readonly pxDecimals: number;
  /** 10^pxDecimals: prices are held as integers of 1/pxScale; pxScale * szScale = 10^6. */
  readonly pxScale: number;
  readonly initialMid: number;
  readonly popularity: number;
}

/** The coin specs for `names` (default: the whole universe), in universe order. Throws on unknown names. */
export function buildCoinSpecs(names?: readonly string[]): CoinSpec[] {
  const wanted = names && names.length > 0 ? new Set(names) : undefined;
  if (wanted) {
    const unknown = [...wanted].filter((n) => !DEFAULT_UNIVERSE.some((u) => u[0] === n));
    if (unknown.length > 0) throw new Error(`unknown coin(s): ${unknown.join(', ')}; known: ${DEFAULT_COINS.join(', ')}`);
  }
  return DEFAULT_UNIVERSE.filter((u) => !wanted || wanted.has(u[0])).map(([name, szDecimals, maxLeverage, mid], index) => {
    const pxDecimals = 6 - szDecimals;
    return {
      index,
      name,
      szDecimals,
      maxLeverage,
      szScale: 10 ** szDecimals,
      pxDecimals,
      pxScale: 10 ** pxDecimals,
      initialMid: mid,
      popularity: POPULARITY[name] ?? 1,
    };
  });
}

/**
 * A price on the exchange's grid, as an integer of 1/pxScale: at most 5 significant figures
 * (integer prices always allowed) and at most pxDecimals decimals. Never below one tick.
 */
export function roundPx(spec: CoinSpec, px: number): number {
  if (!(px > 0)) return 1;
  let dec = 4 - Math.floor(Math.log10(px));
  if (dec > spec.pxDecimals) dec = spec.pxDecimals;
  if (dec < 0) dec = 0;
  const f = 10 ** dec;
  const v = Math.max(1, Math.round(px * f));
  return v * 10 ** (spec.pxDecimals - dec);
}

export function formatPx(spec: CoinSpec, pxInt: number): string {
  return formatScaled(pxInt, spec.pxDecimals);
}

export function formatSz(spec: CoinSpec, units: number): string {
  return formatScaled(units, spec.szDecimals);
}
