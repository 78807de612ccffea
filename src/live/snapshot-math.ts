import type { ParsedPosition } from '../hyperliquid/hyperliquid.types';
import { formatDecimal, toDecimal } from './position-math';

/** Mark price per coin implied by a snapshot: positionValue / |szi|. */
export function markPrices(positions: readonly ParsedPosition[]): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const p of positions) {
    const szi = toDecimal(p.szi, 'szi').abs();
    if (szi.isZero()) continue;
    marks[p.coin] = formatDecimal(toDecimal(p.positionValue, 'positionValue').div(szi).toSignificantDigits(12));
  }
  return marks;
}
