import { randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { LeaderboardComputeRepository } from '../../src/leaderboard/leaderboard-compute.repository';
import { DEFAULT_MIN_TRADES, DEFAULT_MIN_VOLUME_USD } from '../../src/leaderboard/leaderboard-fields';
import { TestEvents, TestTrader } from '../support/trade-events';

export interface SeededBoard {
  traders: TestTrader[];
  /** The trader with positions, an account value series and stored events. */
  star: TestTrader;
}

const HOUR = 3_600_000;

/**
 * A small market the dashboard can show: traders with public trades (the ledger), per-trader
 * fills with realized PnL, account value series, the star trader's positions and events; then a
 * real leaderboard run (the worker's computation) over it.
 */
export async function seedBoard(events: TestEvents, db: DataSource, config: AppConfig, n = 8): Promise<SeededBoard> {
  const now = Date.now();
  const traders: TestTrader[] = [];
  for (let i = 0; i < n; i++) {
    traders.push(await events.trader(undefined, { accountValue: String(20_000 + i * 7_500), lastSeen: new Date(now - i * 60_000) }));
  }
  const star = traders[2];

  // Public trades: trader i buys from trader i+1, 12 + 2i times over the last 20 hours.
  const fills: unknown[][] = Array.from({ length: 9 }, () => []);
  const traderFills: unknown[][] = Array.from({ length: 12 }, () => []);
  let tid = Number.parseInt(randomBytes(4).toString('hex'), 16);
  traders.forEach((t, i) => {
    const seller = traders[(i + 1) % n];
    for (let k = 0; k < 12 + 2 * i; k++) {
      const coin = ['BTC', 'ETH', 'SOL'][k % 3];
      const px = { BTC: 97_000, ETH: 3_100, SOL: 180 }[coin]! * (1 + ((k % 7) - 3) / 100);
      const sz = (0.05 + i * 0.01) * (coin === 'BTC' ? 1 : coin === 'ETH' ? 20 : 300);
      const time = new Date(now - ((k + 1) * 20 * HOUR) / (13 + 2 * i));
      tid += 1;
      const row = [coin, tid, t.address, seller.address, px.toFixed(2), sz.toFixed(4), k % 2 ? 'A' : 'B', time, `0x${randomBytes(32).toString('hex')}`];
      row.forEach((v, c) => fills[c].push(v));
      const pnl = (((k * 7 + i * 3) % 5) - 1.6) * (40 + i * 25);
      // Each fill closes part of a long (side A from a positive start): a decided close for the win rate.
      const trow = [t.id, coin, tid, time, 'A', px.toFixed(2), sz.toFixed(4), (sz * 2).toFixed(4), 'Close Long', pnl.toFixed(2), '0.5', 'stream'];
      trow.forEach((v, c) => traderFills[c].push(v));
    }
  });
  await events.pg.query(
    `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
     SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::varchar[], $5::numeric[], $6::numeric[], $7::char[], $8::timestamptz[], $9::varchar[])`,
    fills,
  );
  await events.pg.query(
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
     SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::bigint[], $4::timestamptz[], $5::char[], $6::numeric[], $7::numeric[],
                          $8::numeric[], $9::varchar[], $10::numeric[], $11::numeric[], $12::varchar[])`,
    traderFills,
  );

  // Account values: hourly for two days, a trend with swings (the star's is the chart).
  for (const [i, t] of traders.entries()) {
    await events.pg.query(
      `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
       SELECT $1, to_timestamp($2::float8 / 1000) - (g || ' hours')::interval,
              round(($3::float8 * (1 + (48 - g) * $4::float8 + 0.04 * sin(g / 3.0)))::numeric, 2),
              round(($3::float8 * 1.5)::numeric, 2)
         FROM generate_series(0, 47) g`,
      [t.id, now, 20_000 + i * 7_500, (i % 3) * 0.002 - 0.001],
    );
  }
  await events.pg.query(`UPDATE traders SET last_tracked_at = now() - interval '40 seconds', role = 'user' WHERE id = $1`, [star.id]);
  await events.pg.query(
    `INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at, confirmed_at)
     VALUES ($1, 'BTC', 0.5, 96250.5, now() - interval '5 minutes', now() - interval '40 seconds'),
            ($1, 'ETH', -12.5, 3120.25, now() - interval '2 minutes', NULL)`,
    [star.id],
  );
  await events.store(star, { coin: 'BTC', previous: '0', current: '0.5', eventType: 'position_opened', timestamp: new Date(now - 5 * 60_000) });
  await events.store(star, { coin: 'ETH', previous: '0', current: '-12.5', eventType: 'position_opened', timestamp: new Date(now - 2 * 60_000) });

  const computed = await new LeaderboardComputeRepository(db).compute({
    weights: config.leaderboardWeights,
    includeVaults: false,
    minTrades: DEFAULT_MIN_TRADES,
    minVolumeUsd: DEFAULT_MIN_VOLUME_USD,
    workMem: '64MB',
  });
  if (!computed || computed.eligible.all < n) throw new Error(`leaderboard seed failed: ${JSON.stringify(computed)}`);
  return { traders, star };
}
