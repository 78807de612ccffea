import { Logger } from '@nestjs/common';
import type { CopyPositionRecord, FollowRecord } from '../data/copy.records';
import type { CopyStateRepository } from '../data/copy-state.repository';
import type { FollowersRepository } from '../data/followers.repository';
import type { FollowsRepository } from '../data/follows.repository';

const FLUSH_MS = 200;

/**
 * Write-behind of what the followers' runs changed (positions, equity, follow memory): merged per
 * row and written for every follower together in three statements every FLUSH_MS, so a leader's
 * trade with a thousand followers costs a few statements, not thousands. The journal is not
 * here: it is written before every send. A crash loses at most FLUSH_MS of paper bookkeeping
 * (live accounts are re-read from the exchange at load and reconciliation).
 */
export class StateFlusher {
  private readonly logger = new Logger(StateFlusher.name);
  private positions = new Map<string, CopyPositionRecord & { followerId: string }>();
  private equity = new Map<string, { id: string; equityUsd: number; realizedDelta: number; feesDelta: number }>();
  private follows = new Map<string, { id: string; state: FollowRecord['state']; realizedDelta: number; feesDelta: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: CopyStateRepository,
    private readonly followers: FollowersRepository,
    private readonly followRows: FollowsRepository,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  position(followerId: string, p: CopyPositionRecord): void {
    this.positions.set(`${followerId}|${p.coin}`, { ...p, followerId });
  }

  equityOf(id: string, equityUsd: number, realizedDelta: number, feesDelta: number): void {
    const e = this.equity.get(id);
    this.equity.set(id, { id, equityUsd, realizedDelta: (e?.realizedDelta ?? 0) + realizedDelta, feesDelta: (e?.feesDelta ?? 0) + feesDelta });
  }

  follow(id: string, state: FollowRecord['state'], realizedDelta: number, feesDelta: number): void {
    const f = this.follows.get(id);
    this.follows.set(id, { id, state, realizedDelta: (f?.realizedDelta ?? 0) + realizedDelta, feesDelta: (f?.feesDelta ?? 0) + feesDelta });
  }

  /** Writes what is buffered (one flush at a time; a failed flush puts its rows back). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const [positions, equity, follows] = [this.positions, this.equity, this.follows];
      if (positions.size + equity.size + follows.size === 0) return;
      this.positions = new Map();
      this.equity = new Map();
      this.follows = new Map();
      try {
        await this.state.savePositionsMany([...positions.values()]);
        await this.followers.recordEquityMany([...equity.values()]);
        await this.followRows.saveStates([...follows.values()]);
      } catch (err) {
        this.logger.warn({ msg: 'copy state flush failed, retrying', error: (err as Error).message });
        for (const [k, v] of positions) if (!this.positions.has(k)) this.positions.set(k, v);
        for (const v of equity.values()) {
          const newer = this.equity.get(v.id);
          this.equityOf(v.id, newer?.equityUsd ?? v.equityUsd, v.realizedDelta, v.feesDelta);
        }
        for (const v of follows.values()) this.follow(v.id, this.follows.get(v.id)?.state ?? v.state, v.realizedDelta, v.feesDelta);
      }
    });
    return this.flushing;
  }
}
