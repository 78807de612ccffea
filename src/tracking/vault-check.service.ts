import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { parseUserRole } from '../hyperliquid/account-parsers';
import { HyperliquidInfoClient } from '../hyperliquid/info.client';
import { RoleCheckLock } from '../redis/contracts/role-check-lock';
import { TrackingSignals } from '../redis/contracts/tracking-signals';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { KNOWN_VAULTS } from './known-vaults';
import { TrackingQueueRepository } from '../traders/data/tracking-queue.repository';
import { TradersRepository } from '../traders/data/traders.repository';
import { VaultCheckMetrics } from './vault-check.metrics';

/** Lookups per pass (each 60 weight, at low priority: the budget's low-priority share paces them). */
const PER_PASS = 2;
const LOCK_SECONDS = 600;
/** The leaderboard's eligibility minimum: a trader with fewer trades cannot reach its pages. */
const LEADERBOARD_MIN_TRADES = 10;
const FRONT_RUNNERS_REFRESH_MS = 60_000;
/** An empty candidate list is read again sooner. */
const FRONT_RUNNERS_RETRY_MS = 10_000;
const CACHE_MAX = 100_000;
/** How often a waiting background lookup checks whether a new trader now waits for its baseline. */
const BASELINE_WATCH_MS = 1000;

export interface VaultCheck {
  role: string;
  isVault: boolean;
}

/**
 * `userRole` (weight 60) only where the answer matters, once per address for good
 * (`address_roles`, seeded with HLP and its sub-vaults):
 * - before a trader can be followed: `ensureVaultChecked`, which other modules call and await;
 * - before a trader can reach the leaderboard's first pages: eligible, active traders never looked
 *   up, most active first;
 * - when its trades look like a vault's (the live engine's counterparty-share watch).
 * The background lookups run at low priority and never while a new trader waits for its baseline.
 */
@Injectable()
export class VaultCheckService {
  private readonly logger = new Logger(VaultCheckService.name);
  private readonly cache = new Map<string, string>(KNOWN_VAULTS.map((a) => [a, 'vault']));
  private readonly pending = new Map<string, Promise<VaultCheck>>();
  private frontRunners: string[] = [];
  private frontRunnersAt = 0;
  private busy = false;

  constructor(
    private readonly info: HyperliquidInfoClient,
    private readonly roles: TradersRepository,
    private readonly queue: TrackingQueueRepository,
    private readonly metrics: VaultCheckMetrics,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /**
   * The role of `address`, asked of the exchange at most once ever (a user waits: high priority).
   * Call it before a trader can be followed, or wherever a vault must be told apart now.
   */
  async ensureVaultChecked(address: string, signal?: AbortSignal): Promise<VaultCheck> {
    const key = address.toLowerCase();
    const cached = this.cache.get(key) ?? (await this.roles.knownRole(key));
    if (cached) return this.remember(key, cached);
    let inFlight = this.pending.get(key);
    if (!inFlight) {
      inFlight = this.lookUp(key, 'high', signal).finally(() => this.pending.delete(key));
      this.pending.set(key, inFlight);
    }
    return inFlight;
  }

  /** One background pass: known roles onto new trader rows, then a few lookups if nothing more urgent waits. */
  async pass(signal?: AbortSignal): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let checked = 0;
    try {
      await this.roles.applyKnownRoles();
      // Never ahead of a waiting baseline: the budget goes to new traders' first snapshots first.
      if (await this.queue.baselineWaiting(this.config.includeVaults)) return 0;
      const suspects = await this.redis.zrange(TrackingSignals.vaultSuspects, 0, PER_PASS - 1);
      const candidates = [...suspects, ...(await this.leaderboardCandidates())];
      for (const address of candidates) {
        if (checked >= PER_PASS || signal?.aborted) break;
        if (suspects.includes(address)) await this.redis.zrem(TrackingSignals.vaultSuspects, address);
        if (this.cache.has(address) || (await this.roles.knownRole(address))) continue;
        // One worker per address.
        const lock = await this.redis.set(RoleCheckLock.key(address), '1', 'EX', LOCK_SECONDS, 'NX');
        if (lock !== 'OK') continue;
        const done = await this.lookUpUnlessBaselineWaits(address, suspects.includes(address) ? 'trades_look_like_vault' : 'leaderboard', signal);
        if (!done) {
          await this.redis.del(RoleCheckLock.key(address));
          break;
        }
        this.frontRunners = this.frontRunners.filter((a) => a !== address);
        checked++;
      }
    } catch (err) {
      if (!signal?.aborted) this.logger.warn({ msg: 'role check failed', error: (err as Error).message });
    } finally {
      this.busy = false;
    }
    return checked;
  }

  /**
   * A background lookup waits in the budget at low priority; a new trader may meanwhile start
   * waiting for its baseline. The wait is given up then (false), so the lookup never goes ahead of it.
   */
  private async lookUpUnlessBaselineWaits(address: string, reason: string, signal?: AbortSignal): Promise<boolean> {
    const yieldTo = new AbortController();
    const onAbort = () => yieldTo.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const watch = setInterval(() => {
      void this.queue.baselineWaiting(this.config.includeVaults).then(
        (waiting) => waiting && yieldTo.abort(new Error('a baseline waits')),
        () => undefined,
      );
    }, BASELINE_WATCH_MS);
    try {
      await this.lookUp(address, 'low', yieldTo.signal, reason);
      return true;
    } catch (err) {
      if (yieldTo.signal.aborted && !signal?.aborted) return false;
      throw err;
    } finally {
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async leaderboardCandidates(): Promise<string[]> {
    const age = Date.now() - this.frontRunnersAt;
    if (age > FRONT_RUNNERS_REFRESH_MS || (this.frontRunners.length === 0 && age > FRONT_RUNNERS_RETRY_MS)) {
      this.frontRunners = await this.roles.roleFrontRunners(LEADERBOARD_MIN_TRADES, 20);
      this.frontRunnersAt = Date.now();
    }
    return this.frontRunners;
  }

  private async lookUp(address: string, priority: 'high' | 'low', signal?: AbortSignal, reason = 'follow'): Promise<VaultCheck> {
    const { role } = await this.info.request({ type: 'userRole', user: address }, parseUserRole, { priority, signal });
    await this.roles.recordRole(address, role);
    this.metrics.lookups.inc({ reason });
    if (role === 'vault') {
      this.metrics.vaultsFound.inc();
      this.logger.log({ msg: 'vault identified', address, reason });
    }
    return this.remember(address, role);
  }

  private remember(address: string, role: string): VaultCheck {
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(address, role);
    return { role, isVault: role === 'vault' };
  }
}
