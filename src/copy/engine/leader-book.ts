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
  private readonly loading = new Map<string, Promise<void>>();

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

  /**
   * Views of these leaders. A leader not in memory is read from the database (awaited); one read
   * more than RELOAD_MS ago (or every one, with `fresh`) is served as is and re-read in the
   * background. Reads are shared: a leader's trade reaching a thousand followers at once is one
   * query, not a thousand.
   */
  async views(addresses: string[], fresh = false): Promise<Map<string, Leader>> {
    const now = Date.now();
    const missing: string[] = [];
    const old: string[] = [];
    for (const a of new Set(addresses)) {
      const l = this.leaders.get(a);
      if (!l) missing.push(a);
      else if (fresh || now - l.loadedAt > RELOAD_MS) old.push(a);
    }
    if (old.length > 0) void this.load(old).catch(() => undefined); // the next read retries
    if (missing.length > 0) await this.load(missing);
    const out = new Map<string, Leader>();
    for (const a of addresses) {
      const l = this.leaders.get(a);
      if (l) out.set(a, l);
    }
    return out;
  }

  /** One read in flight per leader: callers asking for a leader being read wait for that read. */
  private load(addresses: string[]): Promise<void> {
    const todo = addresses.filter((a) => !this.loading.has(a));
    if (todo.length > 0) {
      const read = this.repo.views(todo).then((loaded) => {
        const at = Date.now();
        for (const a of todo) {
          const v = loaded.get(a);
          if (v) this.leaders.set(a, { ...v, loadedAt: at });
        }
      });
      const done = read.finally(() => {
        for (const a of todo) if (this.loading.get(a) === done) this.loading.delete(a);
      });
      for (const a of todo) this.loading.set(a, done);
    }
    return Promise.all(addresses.map((a) => this.loading.get(a))).then(() => undefined);
  }
}
