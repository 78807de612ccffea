/**
 * The start of the tracking round containing `nowMs`: rounds are aligned to multiples of the
 * interval since the epoch, so every worker agrees on them without talking to each other.
 */
export function roundStartFor(nowMs: number, intervalSeconds: number): Date {
  const step = intervalSeconds * 1000;
  return new Date(Math.floor(nowMs / step) * step);
}

/** Milliseconds from `nowMs` to the next round boundary. */
export function msToNextRound(nowMs: number, intervalSeconds: number): number {
  const step = intervalSeconds * 1000;
  return step - (nowMs % step);
}
