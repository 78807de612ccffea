import type { TradeEventPayload } from '../../events/trade-event.payload';
import type { LeaderStateRepository } from '../data/leader-state.repository';
import type { LeaderView } from '../domain/sizing';

type Leader = LeaderView & { baselined: boolean; loadedAt: number };

const RELOAD_MS = 30_000;
const RECENT_IDS = 10_000;

/**
 * The leaders' current positions as the live engine publishes them (each trade_event carries the
 * position's new size), over equity, leverage and positions read from the stored state.
 */
export class LeaderBook {
  private readonly leaders = new Map<string, Leader>();
  private readonly seen = new Set<number>();

  constructor(private readonly repo: LeaderStateRepository) {}

  /** Applies an event; false when it was already applied (the outbox may publish twice). */
  apply(e: TradeEventPayload): boolean {
    if (this.seen.has(e.id)) return false;
    this.seen.add(e.id);
    if (this.seen.size > RECENT_IDS) this.seen.delete(this.seen.values().next().value as number);
    const l = this.leaders.get(e.trader_address);
    if (l) {
      const size = Number(e.details.current_size);
      const prev = l.positions[e.details.coin];
      if (size === 0) delete l.positions[e.details.coin];
      else l.positions[e.details.coin] = { size, leverage: prev?.leverage ?? null };
      l.baselined = true;
    }
    return true;
  }

  /** Views of these leaders, read from the database when missing or older than RELOAD_MS (or `fresh`). */
  async views(addresses: string[], fresh = false): Promise<Map<string, Leader>> {
    const now = Date.now();
    const stale = addresses.filter((a) => fresh || !this.leaders.has(a) || now - this.leaders.get(a)!.loadedAt > RELOAD_MS);
    if (stale.length > 0) {
      const loaded = await this.repo.views([...new Set(stale)]);
      for (const a of stale) {
        const v = loaded.get(a);
        if (v) this.leaders.set(a, { ...v, loadedAt: now });
      }
    }
    const out = new Map<string, Leader>();
    for (const a of addresses) {
      const l = this.leaders.get(a);
      if (l) out.set(a, l);
    }
    return out;
  }
}
