import Redis from 'ioredis';
import { Client } from 'pg';
import { LeaderboardScheduler } from '../../src/leaderboard/leaderboard.scheduler';
import { LeaderboardRecalculate } from '../../src/redis/contracts/leaderboard-recalculate';
import { LeaderboardUpdatedChannel } from '../../src/redis/contracts/leaderboard-updated-channel';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config.loader';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { seedBoard } from './fixtures';
import { latestGeneration } from './support';

interface Setup {
  db: TestDatabase;
  pg: Client;
  redis: Redis;
  sub: Redis;
  workers: TestApp[];
  announced: Array<{ computed_at: string; count: number }>;
}

/** Two real worker processes' worth of apps (ROLE=worker) on one database and one Redis. */
async function twoWorkers(sim: SimulatorHandle, interval: number): Promise<Setup> {
  const db = await createTestDatabase();
  const r = await createTestRedis();
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await seedBoard(pg, 25);
  const redis = new Redis(r.url);
  const sub = new Redis(r.url);
  const announced: Setup['announced'] = [];
  sub.on('message', (_c: string, m: string) => announced.push(JSON.parse(m)));
  await sub.subscribe(LeaderboardUpdatedChannel.channel);
  const env = {
    ROLE: 'worker',
    DATABASE_URL: db.url,
    REDIS_URL: r.url,
    HYPERLIQUID_API_URL: sim.httpUrl,
    WEBSOCKET_URL: sim.wsUrl,
    TRACKING_INTERVAL_SECONDS: '3600',
    LEADERBOARD_INTERVAL_SECONDS: String(interval),
  };
  const start = async () => {
    if (!process.env.LB_TEST_LOGS) return startTestApp(env);
    const config = loadConfig({ DB_MIGRATE: 'false', LOG_LEVEL: 'warn', PORT: '0', ...env }, 'test');
    const app = await createApp(config, { logs: true });
    await app.listen(0, '127.0.0.1');
    return { app, url: await app.getUrl(), config, close: () => app.close() } as TestApp;
  };
  const workers = await Promise.all([start(), start()]);
  return { db, pg, redis, sub, workers, announced };
}

async function teardown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await Promise.all(s.workers.map((w) => w.close()));
  s.sub.disconnect();
  s.redis.disconnect();
  await s.pg.end();
  await s.db.drop();
}

const generations = async (pg: Client) =>
  (await pg.query<{ id: number; started_at: Date; computed_at: Date | null; trader_count: number }>(
    'SELECT id::int, started_at, computed_at, trader_count FROM leaderboard_generations ORDER BY id',
  )).rows;

/** Every worker has finished a tick (admin poll + due check) that started after `since`. */
const allTickedSince = (s: Setup, since: number) =>
  waitFor(async () => s.workers.every((w) => (w.app.get(LeaderboardScheduler).lastTickAt ?? 0) > since + 2100), 15_000);

describe('leaderboard: one computation at a time across workers', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, traders: 5, coins: ['BTC'], tradeRate: 0 });
  });

  afterAll(async () => {
    await sim?.close();
  });

  describe('at boot, on admin request, after a crash', () => {
    let s: Setup;

    beforeAll(async () => {
      s = await twoWorkers(sim, 3600);
    });

    afterAll(() => teardown(s));

    it('computes once at boot, however many workers start, and announces it', async () => {
      const first = await waitFor(() => latestGeneration(s.pg));
      await allTickedSince(s, first.computed_at.getTime());
      expect((await generations(s.pg)).map((g) => g.id)).toEqual([first.id]);
      // Pub/sub is server-wide: other test runs' announcements may arrive too; ours are by computed_at.
      const ours = () => s.announced.filter((a) => a.computed_at === first.computed_at.toISOString());
      await waitFor(async () => ours().length >= 1);
      expect(ours()).toEqual([{ computed_at: first.computed_at.toISOString(), count: 25 }]); // the vault is left out
    });

    it('runs exactly once per admin request (the first worker to see it)', async () => {
      const before = (await generations(s.pg)).length;
      await s.redis.set(LeaderboardRecalculate.key, String(Date.now()));
      const next = await waitFor(async () => {
        const g = await latestGeneration(s.pg);
        return g && (await generations(s.pg)).length > before ? g : null;
      });
      await allTickedSince(s, next.computed_at.getTime());
      expect((await generations(s.pg)).length).toBe(before + 1);
      expect(await s.redis.exists(LeaderboardRecalculate.key)).toBe(0);
      expect(s.announced.filter((a) => a.computed_at === next.computed_at.toISOString())).toHaveLength(1);
    });

    it('recomputes a board lost in a crash (its UNLOGGED rows emptied)', async () => {
      const lost = (await latestGeneration(s.pg))!;
      await s.pg.query(`TRUNCATE leaderboard_metrics_g${lost.id}_all, leaderboard_metrics_g${lost.id}_30d,
                                 leaderboard_metrics_g${lost.id}_7d, leaderboard_metrics_g${lost.id}_1d`);
      const next = await waitFor(async () => {
        const g = await latestGeneration(s.pg);
        return g && g.id > lost.id ? g : null;
      });
      const { rows } = await s.pg.query('SELECT count(*)::int AS n FROM leaderboard_metrics WHERE generation = $1 AND "window" = $2', [
        next.id,
        'all',
      ]);
      expect(rows[0].n).toBe(25);
    });
  });

  describe('every LEADERBOARD_INTERVAL_SECONDS', () => {
    let s: Setup;

    beforeAll(async () => {
      s = await twoWorkers(sim, 2);
    });

    afterAll(() => teardown(s));

    it('keeps the cadence with no double runs, readers always see whole boards, three generations kept', async () => {
      // A reader polling the newest board while generations are written: never a partial one.
      let reads = 0;
      let reading = true;
      const reader = (async () => {
        while (reading) {
          const { rows } = await s.pg.query(
            `WITH g AS (SELECT id, trader_count FROM leaderboard_generations WHERE computed_at IS NOT NULL ORDER BY id DESC LIMIT 1)
             SELECT g.trader_count, (SELECT count(*)::int FROM leaderboard_metrics m WHERE m.generation = g.id AND m."window" = 'all') AS n
               FROM g`,
          );
          if (rows[0]) {
            expect(rows[0].n).toBe(rows[0].trader_count);
            reads++;
          }
        }
      })();
      const done = await waitFor(async () => {
        const gens = (await generations(s.pg)).filter((g) => g.computed_at !== null);
        return gens.length >= 3 && gens[gens.length - 1].id >= 5 ? gens : null;
      }, 30_000);
      reading = false;
      await reader;
      expect(reads).toBeGreaterThan(10);
      // Stop the workers, then look at what they left (a run's cleanup follows its commit).
      await Promise.all(s.workers.map((w) => w.close()));
      s.workers = [];
      const kept = (await generations(s.pg)).filter((g) => g.computed_at !== null);
      const ids = kept.map((g) => g.id);
      // Rows of generations beyond the newest three are gone, and so are their tables.
      expect(ids.length).toBeLessThanOrEqual(3);
      const tables = await s.pg.query(`SELECT relname FROM pg_class WHERE relname ~ '^leaderboard_metrics_g\\d+$' ORDER BY relname`);
      expect(tables.rows.map((t) => Number(t.relname.slice('leaderboard_metrics_g'.length))).sort((a, b) => a - b)).toEqual(ids);
      // Consecutive runs at least the interval apart (by their computation times): no worker doubled one.
      for (let i = 1; i < done.length; i++) {
        expect(done[i].started_at.getTime() - done[i - 1].started_at.getTime()).toBeGreaterThanOrEqual(2000);
      }
      expect(ids[ids.length - 1]).toBeGreaterThanOrEqual(5);
      const mine = new Set(done.map((g) => g.computed_at!.toISOString()));
      const announcedMine = await waitFor(async () => {
        const a = s.announced.filter((m) => mine.has(m.computed_at));
        return a.length >= done.length ? a : null;
      });
      expect(announcedMine.length).toBe(done.length); // each generation announced once
      expect(new Set(announcedMine.map((a) => a.computed_at)).size).toBe(announcedMine.length);
    });
  });
});
