/** A granted reservation as the test saw it: Redis grant time and final (settled) weight. */
export interface Grant {
  at: number;
  weight: number;
}

/**
 * Largest weight granted in any window of `windowMs`, using the budget's own semantics: at time
 * t the window holds grants with at in (t − windowMs, t]. Only grant instants matter (the sum
 * can only rise at one).
 */
export function maxRollingSum(grants: readonly Grant[], windowMs: number): number {
  const sorted = [...grants].sort((a, b) => a.at - b.at);
  let max = 0;
  let sum = 0;
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i].weight;
    // include every grant at the same instant
    while (i + 1 < sorted.length && sorted[i + 1].at === sorted[i].at) sum += sorted[++i].weight;
    while (sorted[start].at <= sorted[i].at - windowMs) sum -= sorted[start++].weight;
    max = Math.max(max, sum);
  }
  return max;
}
