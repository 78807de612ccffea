import type { LeaderboardParams } from './dto/leaderboard-query.dto';
import type { CachedPage } from './cached-page';

/**
 * The pages of one generation kept in process memory, by parameter set: built once per generation
 * (a new generation drops them all), bounded by bytes (the oldest go first; a compressed variant
 * adds at most what its page weighs). Pure.
 */
export class LeaderboardPageStore {
  private generation = -1;
  private readonly pages = new Map<string, CachedPage>();
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  static key(p: LeaderboardParams): string {
    return `${p.window}|${p.sortBy}|${p.order}|${p.page}|${p.limit}|${p.minTrades}|${p.minVolumeUsd}`;
  }

  get(generation: number, key: string): CachedPage | null {
    return generation === this.generation ? (this.pages.get(key) ?? null) : null;
  }

  set(generation: number, key: string, page: CachedPage): void {
    if (generation < this.generation) return; // a slow load of an older board
    if (generation > this.generation) this.clear(generation);
    const old = this.pages.get(key);
    if (old) this.held -= weight(old);
    this.pages.delete(key);
    this.pages.set(key, page);
    this.held += weight(page);
    for (const [k, p] of this.pages) {
      if (this.held <= this.maxBytes || this.pages.size === 1) break;
      this.pages.delete(k);
      this.held -= weight(p);
    }
  }

  /** Drops every page (a new generation, or an admin cache clear). */
  clear(generation = this.generation): void {
    this.generation = generation;
    this.pages.clear();
    this.held = 0;
  }

  get size(): number {
    return this.pages.size;
  }

  get bytes(): number {
    return this.held;
  }
}

/** The identity body plus room for its br and gzip variants (each smaller than the body). */
const weight = (p: CachedPage): number => 2 * p.bytes;
