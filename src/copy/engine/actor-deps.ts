import type { AppConfig } from '../../config/app-config';
import type { AlertView } from '../api/copy-views';
import type { FollowerRecord, OrderRecord } from '../data/copy.records';
import type { CopyOrdersRepository } from '../data/copy-orders.repository';
import type { CopyStateRepository } from '../data/copy-state.repository';
import type { FollowersRepository } from '../data/followers.repository';
import type { FollowsRepository } from '../data/follows.repository';
import type { CoinMeta, CopyMarket } from './copy-market';
import type { CopyExecutor } from './executors';
import type { JournalBatcher } from './journal-batcher';
import type { LeaderBook } from './leader-book';
import type { StateFlusher } from './state-flusher';

/** What makes a follower run: a leader's change (with its trade's time), reconciliation, a reload, a retry. */
export type Trigger =
  | { kind: 'signal'; leader: string; coin: string; eventId: string; time: number; price: number | null }
  | { kind: 'reconcile' }
  | { kind: 'reload' }
  | { kind: 'retry' };

/** What a FollowerActor needs from the engine. */
export interface ActorDeps {
  config: AppConfig;
  followers: FollowersRepository;
  follows: FollowsRepository;
  orders: CopyOrdersRepository;
  /** Journal inserts, coalesced across followers. */
  journal: JournalBatcher;
  /** Write-behind of positions, equity and follow memory. */
  flusher: StateFlusher;
  state: CopyStateRepository;
  leaders: LeaderBook;
  market: CopyMarket;
  /** The coin's meta, when already known (the engine loads it ahead). */
  meta(coin: string): CoinMeta | null;
  executorFor(f: FollowerRecord): CopyExecutor;
  halted(): boolean;
  publishOrder(o: OrderRecord): void;
  publishAlert(a: AlertView): void;
  /** Test-only fault injection between an order's send and the recording of its answer. */
  faultAfterSend(): void;
  /** Test-only fault injection between an order's journal commit and its send. */
  faultBeforeSend(): void;
}
