/**
 * A bounded set of recently seen keys (insertion-ordered; the oldest is forgotten first), used to
 * drop an event that reaches this process twice (a re-publish, or a backfill overlapping the live
 * channel). Pure: no Nest.
 */
export class RecentIds<K = string | number> {
  private readonly seen = new Set<K>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.seen.size;
  }

  has(key: K): boolean {
    return this.seen.has(key);
  }

  /** Records the key; false when it was already there (a duplicate). */
  add(key: K): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.capacity) {
      // Set iterates in insertion order: the first key is the oldest.
      const oldest = this.seen.values().next().value as K;
      this.seen.delete(oldest);
    }
    return true;
  }
}
