/**
 * Coin names as the exchange writes them:
 * - main-dex perps: `BTC`, `kPEPE`;
 * - HIP-3 builder-deployed perps: `dex:COIN` (not listed by the default `meta`);
 * - spot: `@107` (spot index) or `PURR/USDC` (pair name). Spot coins are never perp positions.
 */

export function isSpotCoin(coin: string): boolean {
  return coin.charCodeAt(0) === 64 /* @ */ || coin.includes('/');
}

export function isPerpCoin(coin: string): boolean {
  return coin.length > 0 && !isSpotCoin(coin);
}

/** A HIP-3 builder-deployed perp (`dex:COIN`). */
export function isBuilderPerpCoin(coin: string): boolean {
  return isPerpCoin(coin) && coin.includes(':');
}
