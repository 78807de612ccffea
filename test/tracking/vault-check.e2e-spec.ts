import { HLP_ADDRESS, startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { TrackingSignals } from '../../src/redis/contracts/tracking-signals';
import { KNOWN_VAULTS } from '../../src/tracking/known-vaults';
import { VaultCheckService } from '../../src/tracking/vault-check.service';
import Redis from 'ioredis';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase, withClient } from '../support/database';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';

/**
 * Vault checks only where the answer matters, each address asked once for good: seeded vaults
 * and cached answers cost nothing (also after a restart), `ensureVaultChecked` asks once, and the
 * background pass looks up a leaderboard candidate and an address whose trades look like a vault's,
 * but not a one-trade newcomer.
 */
describe('tracking: lazy vault checks', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let redisUrl: string;
  let app: TestApp;

  const boot = async () =>
    (app = await startTestApp({
      ROLE: 'worker',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      TRACKING_INTERVAL_SECONDS: '600',
    }));
  const lookups = () => sim.control.stats().requestsByType.userRole ?? 0;
  const ordinary = (i: number) => sim.control.truth().filter((t) => t.kind === 'trader')[i].address;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 16, traders: 10, coins: ['BTC'], tradeRate: 0 });
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
    await boot();
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('seeded vaults and earlier answers cost nothing; a new address is asked once, for good', async () => {
    const vaults = app.app.get(VaultCheckService);
    const start = lookups();
    for (const v of KNOWN_VAULTS) expect(await vaults.ensureVaultChecked(v)).toEqual({ role: 'vault', isVault: true });
    expect(lookups()).toBe(start);

    const user = ordinary(0);
    const [a, b] = await Promise.all([vaults.ensureVaultChecked(user), vaults.ensureVaultChecked(user.toUpperCase().replace('0X', '0x'))]);
    expect(a).toEqual({ role: 'user', isVault: false });
    expect(b).toEqual(a);
    expect(lookups()).toBe(start + 1);
    const { rows } = await withClient(db.url, (c) => c.query('SELECT role, source FROM address_roles WHERE address = $1', [user]));
    expect(rows).toEqual([{ role: 'user', source: 'lookup' }]);

    // A restart (empty in-process cache): the stored answer is used.
    await app.close();
    await boot();
    expect(await app.app.get(VaultCheckService).ensureVaultChecked(user)).toEqual({ role: 'user', isVault: false });
    expect(lookups()).toBe(start + 1);
  });

  it('the background pass checks a leaderboard candidate and a vault-like trader, not a newcomer; known roles reach trader rows', async () => {
    const [candidate, newcomer] = [randomAddress(), randomAddress()];
    const suspect = ordinary(3);
    await withClient(db.url, (c) =>
      c.query(
        `INSERT INTO traders (address, first_seen_at, last_seen_trading_at, trades_seen)
         VALUES ($1, now(), now(), 40), ($2, now(), now(), 1), ($3, now(), now(), 2), ($4, now(), now(), 500)`,
        [candidate, newcomer, suspect, HLP_ADDRESS],
      ),
    );
    const redis = new Redis(redisUrl);
    await redis.zadd(TrackingSignals.vaultSuspects, Date.now(), suspect);
    redis.disconnect();
    const roleOf = async (address: string) =>
      (await withClient(db.url, (c) => c.query<{ role: string | null; is_vault: boolean }>('SELECT role, is_vault FROM traders WHERE address = $1', [address]))).rows[0];
    await waitFor(async () => (await roleOf(suspect)).role !== null && (await roleOf(candidate)).role !== null, 30000);
    expect(await roleOf(candidate)).toEqual({ role: 'missing', is_vault: false }); // unknown to the simulator
    expect(await roleOf(suspect)).toEqual({ role: 'user', is_vault: false });
    // HLP was never asked: the seed reached its row.
    expect(await roleOf(HLP_ADDRESS)).toEqual({ role: 'vault', is_vault: true });
    expect(await roleOf(newcomer)).toEqual({ role: null, is_vault: false });
    const asked = await withClient(db.url, (c) => c.query<{ address: string }>(`SELECT address FROM address_roles WHERE source = 'lookup'`));
    expect(asked.rows.map((r) => r.address)).not.toContain(HLP_ADDRESS);
    expect(asked.rows.map((r) => r.address)).not.toContain(newcomer);
  });
});
