/**
 * Trades that look like a vault's: an address that is a party to a large share of a coin's recent
 * public trades (HLP and other market-making vaults are), sent once for a `userRole` check. Pure:
 * the live engine feeds it every trade and hands what it flags to tracking.
 */
export interface VaultWatchOptions {
  /** Recent trades kept per coin. */
  window: number;
  /** Share of a coin's recent trades (as buyer or seller) that makes an address look like a vault. */
  share: number;
}

export const DEFAULT_VAULT_WATCH: VaultWatchOptions = { window: 500, share: 0.2 };
const FLAGGED_MAX = 100_000;

export class VaultWatch {
  private readonly coins = new Map<string, { ring: string[]; next: number; counts: Map<string, number> }>();
  private readonly flagged = new Set<string>();
  private fresh: string[] = [];

  constructor(private readonly opts: VaultWatchOptions = DEFAULT_VAULT_WATCH) {}

  observe(coin: string, buyer: string, seller: string): void {
    let c = this.coins.get(coin);
    if (!c) this.coins.set(coin, (c = { ring: [], next: 0, counts: new Map() }));
    for (const address of buyer === seller ? [buyer] : [buyer, seller]) {
      if (c.ring.length < this.opts.window) c.ring.push(address);
      else {
        const old = c.ring[c.next];
        const n = (c.counts.get(old) ?? 1) - 1;
        if (n <= 0) c.counts.delete(old);
        else c.counts.set(old, n);
        c.ring[c.next] = address;
        c.next = (c.next + 1) % this.opts.window;
      }
      const count = (c.counts.get(address) ?? 0) + 1;
      c.counts.set(address, count);
      // Each trade has two parties: a share of trades is count / (entries / 2).
      if (c.ring.length >= this.opts.window && count >= this.opts.share * (this.opts.window / 2) && !this.flagged.has(address)) {
        if (this.flagged.size >= FLAGGED_MAX) this.flagged.clear();
        this.flagged.add(address);
        this.fresh.push(address);
      }
    }
  }

  /** Addresses flagged since the last call. */
  take(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
