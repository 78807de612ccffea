import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import type { TradeEventPayload } from '../../events/trade-event.payload';
import { subscribeTradeEvents } from '../../events/trade-event.subscription';
import { HyperliquidExchangeClient } from '../../hyperliquid/exchange.client';
import type { Hex } from '../../hyperliquid/exchange.types';
import type { WsTrade } from '../../hyperliquid/hyperliquid.types';
import { HyperliquidInfoClient } from '../../hyperliquid/info.client';
import { REDIS_CLIENT } from '../../redis/redis.tokens';
import { orderView } from '../api/copy-views';
import { type CopyEvent, CopyKeys, decodeCommand, encodeEvents } from '../copy-channels';
import type { FollowerRecord } from '../data/copy.records';
import { decryptSecret } from '../secrets';
import { ActorDeps } from './actor-deps';
import { AgentCheckWorker } from './agent-check.worker';
import { CopyEngineRepositories } from './copy-engine.repositories';
import { CopyLeases } from './copy-leases';
import { CopyMarket } from './copy-market';
import { CopyExecutor, LiveExecutor, PaperExecutor } from './executors';
import { FollowerActor } from './follower-actor';
import { JournalBatcher } from './journal-batcher';
import { LeaderBook } from './leader-book';
import { StateFlusher } from './state-flusher';
import { dropConnection } from '../../redis/redis-availability';

const LEASE_TTL_MS = 10_000;
const TICK_MS = 3_000;

/**
 * The copy engine (worker role): leases followers (one worker each), routes the live engine's
 * trade events to the followers of each leader, reconciles every COPY_RECONCILE_SECONDS, and
 * answers the api's agent checks. The work per follower is in FollowerActor.
 */
@Injectable()
export class CopyEngineService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CopyEngineService.name);
  private readonly actors = new Map<string, FollowerActor>();
  private byLeader = new Map<string, string[]>();
  private byAddress = new Map<string, string>();
  private readonly leases: CopyLeases;
  private readonly market: CopyMarket;
  private readonly leaderBook: LeaderBook;
  private readonly agentChecks: AgentCheckWorker;
  private readonly deps: ActorDeps;
  private readonly flusher: StateFlusher;
  private halted = false;
  private timers: NodeJS.Timeout[] = [];
  private closers: Array<() => void> = [];
  private ticking: Promise<void> | null = null;
  private stopping = false;
  private outbox: CopyEvent[] = [];

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly repos: CopyEngineRepositories,
    private readonly info: HyperliquidInfoClient,
    private readonly exchange: HyperliquidExchangeClient,
    private readonly config: AppConfig,
  ) {
    this.leases = new CopyLeases(redis, `${process.pid}:${randomUUID()}`, LEASE_TTL_MS);
    this.market = new CopyMarket(redis, info, (t) => this.onOwnTrade(t));
    this.leaderBook = new LeaderBook(repos.leaders);
    this.agentChecks = new AgentCheckWorker(redis, info);
    this.flusher = new StateFlusher(repos.state, repos.followers, repos.follows);
    this.deps = {
      config,
      followers: repos.followers,
      follows: repos.follows,
      orders: repos.orders,
      journal: new JournalBatcher(repos.orders),
      flusher: this.flusher,
      state: repos.state,
      leaders: this.leaderBook,
      market: this.market,
      meta: (coin) => this.market.metaOf(coin),
      executorFor: (f) => this.executorFor(f),
      halted: () => this.halted,
      publishOrder: (o) => this.publish({ type: 'copy_order', follower_id: o.followerId, data: orderView(o) }),
      publishAlert: (a) => this.publish({ type: 'copy_alert', follower_id: a.follower_id, data: a }),
      faultAfterSend: () => {
        if (config.faultInjection !== 'copy-after-journal') return;
        this.logger.warn({ msg: 'fault injection: SIGKILL after an order was journaled and sent, before its answer is recorded' });
        process.kill(process.pid, 'SIGKILL');
      },
      faultBeforeSend: () => {
        if (config.faultInjection !== 'copy-before-send') return;
        this.logger.warn({ msg: 'fault injection: SIGKILL after an order was journaled, before it is sent' });
        process.kill(process.pid, 'SIGKILL');
      },
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.checkEncryptionKey();
    // Nothing below holds up the boot when Redis or the exchange is down: each retries on its own.
    this.halted = await this.repos.state.halted().catch(() => true); // unknown = halted (fail closed) until the next read
    void this.market.refreshMeta();
    this.market.start();
    this.flusher.start();
    this.agentChecks.start();
    void subscribeTradeEvents(this.redis, 'copy-trade-events', (e) => this.onEvent(e))
      .then((close) => (this.stopping ? close() : this.closers.push(close)))
      .catch((err: Error) => this.logger.warn({ msg: 'copy engine cannot subscribe to trade events', error: err.message }));
    const commands = this.redis.duplicate({ connectionName: 'traderscout:copy-commands' });
    commands.on('error', () => undefined);
    commands.on('message', (_c: string, raw: string) => this.onCommand(raw));
    void commands.subscribe(CopyKeys.commandsChannel).catch(() => undefined);
    this.closers.push(() => dropConnection(commands));
    this.timers.push(setInterval(() => void this.tick(), TICK_MS));
    this.timers.push(setInterval(() => this.reconcileAll(), this.config.copyReconcileSeconds * 1000));
    this.timers.push(setInterval(() => void this.repos.state.halted().then((h) => (this.halted = h)).catch(() => undefined), 5000));
    void this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    await this.ticking;
    await Promise.all([...this.actors.values()].map((a) => a.close()));
    await this.flusher.stop();
    await this.leases.release([...this.actors.keys()]).catch(() => undefined);
    for (const c of this.closers) c();
    await Promise.all([this.market.stop(), this.agentChecks.stop()]);
  }

  /** Boot check: COPY_KEY_ENCRYPTION_KEY must open the stored agent keys. */
  private async checkEncryptionKey(): Promise<void> {
    const sealed = await this.repos.followers.sealedAgentKeys(5);
    if (sealed.length === 0) return;
    const key = this.config.copyKeyEncryptionKey;
    if (!key) throw new Error('COPY_KEY_ENCRYPTION_KEY is not set but live followers have encrypted agent keys');
    for (const s of sealed) decryptSecret(key, s);
  }

  private executorFor(f: FollowerRecord): CopyExecutor {
    if (f.mode === 'paper') return new PaperExecutor((coin) => this.market.price(coin), this.config.paperTakerFeeBps);
    // Decrypted and derived once per load (a reload follows every change of the agent key).
    const signer = this.exchange.signer(decryptSecret(this.config.copyKeyEncryptionKey ?? '', f.agentKeyEnc ?? '') as Hex);
    return new LiveExecutor(this.exchange, this.info, signer, f.address as Hex, this.config.paperTakerFeeBps);
  }

  /** Events of one tick go out together, in one publish. */
  private publish(event: CopyEvent): void {
    this.outbox.push(event);
    if (this.outbox.length > 1) return;
    setImmediate(() => {
      const events = this.outbox;
      this.outbox = [];
      void this.redis.publish(CopyKeys.eventsChannel, encodeEvents(events)).catch(() => undefined);
    });
  }

  private onEvent(e: TradeEventPayload): void {
    if (!this.leaderBook.apply(e)) return;
    const px = Number(e.details.mark_price ?? NaN);
    if (Number.isFinite(px)) this.market.observe(e.details.coin, px);
    const ids = this.byLeader.get(e.trader_address);
    if (!ids) return;
    const trigger = {
      kind: 'signal' as const,
      leader: e.trader_address,
      coin: e.details.coin,
      eventId: String(e.id),
      // An unreadable trade time counts as stale: the change opens nothing, exits still go.
      time: e.timestamp ? new Date(e.timestamp).getTime() || 0 : 0,
      price: Number.isFinite(px) ? px : this.market.price(e.details.coin),
    };
    // Every follower of the leader at once, none waiting on another; live ones first (their orders
    // are handed to the signing thread before the paper ones compute their in-process fills).
    const paper: FollowerActor[] = [];
    for (const id of ids) {
      const actor = this.actors.get(id);
      if (actor?.mode === 'paper') paper.push(actor);
      else void actor?.push(trigger);
    }
    for (const actor of paper) void actor.push(trigger);
  }

  /** A follower's own trade in the public stream that its engine did not just send: reconcile. */
  private onOwnTrade(t: WsTrade): void {
    for (const address of [t.buyer, t.seller]) {
      const id = this.byAddress.get(address);
      const actor = id ? this.actors.get(id) : undefined;
      if (actor?.isForeignTrade(t.coin, Number(t.sz))) void actor.push({ kind: 'reconcile' });
    }
  }

  private onCommand(raw: string): void {
    const cmd = decodeCommand(raw);
    if (!cmd) return;
    if (cmd.kind === 'halt') {
      this.halted = cmd.halted;
      if (!cmd.halted) this.reconcileAll();
      return;
    }
    const actor = this.actors.get(cmd.follower_id);
    if (actor) void actor.push({ kind: 'reload' }).then(() => this.route());
    else void this.tick();
  }

  private reconcileAll(): void {
    for (const a of this.actors.values()) void a.push({ kind: 'reconcile' });
  }

  /** Lease renewal and claiming; new followers are loaded, lost ones dropped. */
  private tick(): Promise<void> {
    if (this.ticking || this.stopping) return this.ticking ?? Promise.resolve();
    this.ticking = (async () => {
      try {
        const wanted = await this.repos.followers.engineIds();
        const held = await this.leases.claim([...this.actors.keys()], wanted);
        for (const [id, actor] of this.actors) {
          if (!held.has(id)) {
            this.actors.delete(id);
            void actor.close();
          }
        }
        const fresh: Promise<void>[] = [];
        for (const id of held) {
          if (this.actors.has(id)) continue;
          const actor = new FollowerActor(id, this.deps);
          this.actors.set(id, actor);
          fresh.push(actor.push({ kind: 'reload' }));
        }
        await Promise.all(fresh);
        this.route();
      } catch (err) {
        this.logger.warn({ msg: 'copy lease tick failed', error: (err as Error).message });
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /** leader → followers held here, address → follower. */
  private route(): void {
    const byLeader = new Map<string, string[]>();
    const byAddress = new Map<string, string>();
    for (const [id, a] of this.actors) {
      for (const l of a.leaders) {
        const ids = byLeader.get(l);
        if (ids) ids.push(id);
        else byLeader.set(l, [id]);
      }
      if (a.address) byAddress.set(a.address, id);
    }
    this.byLeader = byLeader;
    this.byAddress = byAddress;
  }
}
