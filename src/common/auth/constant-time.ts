import { createHash, timingSafeEqual } from 'crypto';

/**
 * Compares a presented secret with the expected one in time independent of where they differ
 * (and of the presented length: both are hashed to 32 bytes first). Pure.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
