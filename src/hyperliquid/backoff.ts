/** Exponential back-off with full jitter: a uniform delay in [0, min(cap, base·2^attempt)]. */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
