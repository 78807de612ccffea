/**
 * When to pause and resume the stream's reader: paused once the backlog reaches `bound`, resumed
 * once it is down to half (hysteresis, so the reader is not toggled per frame). Counts pauses and
 * time paused. Pure state: the caller feeds it the backlog and acts on the transitions.
 */
export class Backpressure {
  private since: number | null = null;
  private totalMs = 0;
  pauses = 0;

  constructor(readonly bound: number) {
    if (!Number.isInteger(bound) || bound < 2) throw new Error('bound must be an integer of at least 2');
  }

  get paused(): boolean {
    return this.since !== null;
  }

  pausedMs(now = Date.now()): number {
    return this.totalMs + (this.since === null ? 0 : now - this.since);
  }

  /** The new state when it changes (true: pause, false: resume), null otherwise. */
  update(backlog: number, now = Date.now()): boolean | null {
    if (this.since === null && backlog >= this.bound) {
      this.since = now;
      this.pauses++;
      return true;
    }
    if (this.since !== null && backlog <= this.bound / 2) {
      this.totalMs += now - this.since;
      this.since = null;
      return false;
    }
    return null;
  }
}
