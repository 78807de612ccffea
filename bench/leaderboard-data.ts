/**
 * Synthetic but realistic leaderboard inputs for the benches, generated inside PostgreSQL
 * (generate_series, no round trips): N traders whose activity is heavy-tailed (a trader's share
 * of trades falls off as a power law: the top 1 % take about a fifth of all fills), a public
 * trades ledger of 10·N fills spread evenly over 45 days, per-trader fills with
 * realized PnL for the most active 5 % (as live following and enrichment would give), pre-discovery
 * exchange history and portfolio series for the top 1 %, and snapshot series for half the traders.
 */
import { Client } from 'pg';

export interface DatasetShape {
  traders: number;
  fills: number;
  traderFills: number;
  accountPoints: number;
  portfolioPoints: number;
}

const COINS = ['BTC', 'ETH', 'SOL', 'HYPE', 'XRP', 'DOGE', 'AVAX', 'SUI', 'LINK', 'ARB', 'OP', 'APT', 'INJ', 'TIA', 'SEI', 'WIF', 'PEPE', 'ENA', 'TAO', 'NEAR'];
const PRICES = [97000, 3400, 190, 25, 2.4, 0.32, 38, 4.1, 22, 0.8, 1.9, 9.5, 24, 5.2, 0.45, 2.1, 0.00002, 0.9, 480, 5.5];

const addr = (expr: string) => `'0x' || lpad(to_hex(${expr}), 40, '0')`;

/** Fills the (migrated, empty) database; `at` is the "now" the data leads up to. */
export async function generateDataset(client: Client, n: number, at: Date, log: (msg: string) => void = () => undefined): Promise<DatasetShape> {
  const t0 = `'${at.toISOString()}'::timestamptz`;
  const fills = n * 10;
  const top5 = Math.max(1, Math.floor(n / 20));
  const top1 = Math.max(1, Math.floor(n / 100));
  const step = async (name: string, sql: string) => {
    const t = Date.now();
    await client.query(sql);
    log(`  ${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  // Secondary indexes are built once after the bulk load (much faster than maintaining them).
  await client.query(`DROP INDEX IF EXISTS idx_fills_buyer_time, idx_fills_seller_time, idx_fills_time`);

  await step(
    'traders',
    `INSERT INTO traders (address, first_seen_at, is_vault, role, role_checked_at)
     SELECT ${addr('i')}, ${t0} - interval '45 days', i % 50000 = 25, 'user', ${t0}
       FROM generate_series(1, ${n}) i`,
  );
  // Party i is drawn with density ∝ i^(-2/3): 1 + floor(N · u³).
  await step(
    `fills (${fills.toLocaleString('en-US')})`,
    `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
     SELECT (ARRAY[${COINS.map((c) => `'${c}'`).join(',')}])[1 + g % ${COINS.length}],
            g,
            ${addr('b')},
            ${addr(`CASE WHEN s = b THEN s % ${n} + 1 ELSE s END`)},
            px,
            greatest(round((notional / px)::numeric, 4), 0.0001),
            CASE WHEN u5 < 0.5 THEN 'A' ELSE 'B' END,
            ${t0} - (45 * 86400 * u6) * interval '1 second',
            '0x' || lpad(to_hex(g), 64, '0')
       FROM (SELECT g,
                    1 + floor(${n} * power(random(), 3))::int AS b,
                    1 + floor(${n} * power(random(), 3))::int AS s,
                    round(((ARRAY[${PRICES.join(',')}])[1 + g % ${COINS.length}] * (0.95 + random() * 0.1))::numeric, 6)::float8 AS px,
                    least(50 / power(random() + 1e-9, 0.7), 2000000) AS notional,
                    random() AS u5, random() AS u6
               FROM generate_series(1, ${fills}) g) x`,
  );
  await step('fills indexes', `
    CREATE INDEX idx_fills_buyer_time ON fills (buyer, time);
    CREATE INDEX idx_fills_seller_time ON fills (seller, time);
    CREATE INDEX idx_fills_time ON fills (time)`);
  await step(
    'traders first/last seen',
    `UPDATE traders t SET first_seen_at = s.first_at, last_seen_trading_at = s.last_at, trades_seen = s.n
       FROM (SELECT address, min(time) AS first_at, max(time) AS last_at, count(*) AS n
               FROM (SELECT buyer AS address, time FROM fills UNION ALL SELECT seller, time FROM fills) p
              GROUP BY address) s
      WHERE t.address = s.address`,
  );
  // The most active 5 % have per-trade realized PnL (half their fills close, winning ~55 % of the time).
  await step(
    'trader_fills (ledger sides of the top 5 %)',
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
     SELECT trader_id, coin, tid, time, side, px, sz,
            CASE WHEN closing THEN (CASE WHEN side = 'B' THEN -2 ELSE 2 END) * sz ELSE 0 END,
            CASE WHEN closing THEN 'Close' ELSE 'Open' END,
            CASE WHEN closing THEN round((px * sz * (random() - 0.45) * 0.1)::numeric, 6) ELSE 0 END,
            round(px * sz * 0.00045, 6),
            CASE WHEN tid % 3 = 0 THEN 'stream' ELSE 'exchange' END
       FROM (SELECT t.id AS trader_id, f.coin, f.tid, f.time, p.side, f.px, f.sz, random() < 0.5 AS closing
               FROM fills f
              CROSS JOIN LATERAL (VALUES ('B', f.buyer), ('A', f.seller)) p(side, address)
               JOIN traders t ON t.address = p.address
              WHERE t.id <= ${top5} AND f.buyer <> f.seller) x`,
  );
  await step(
    'trader_fills (pre-discovery history of the top 1 %)',
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
     SELECT id, 'BTC', ${fills} + id * 100 + k, ${t0} - interval '45 days' - k * interval '7 hours',
            CASE WHEN k % 2 = 0 THEN 'A' ELSE 'B' END, 95000, 0.01,
            CASE WHEN k % 2 = 0 THEN 0.01 ELSE 0 END, NULL,
            CASE WHEN k % 2 = 0 THEN round(((random() - 0.45) * 100)::numeric, 6) ELSE 0 END, 0.4275, 'exchange'
       FROM generate_series(1, ${top1}) id CROSS JOIN generate_series(1, 40) k`,
  );
  await step(
    'account_value_points (snapshots of half the traders)',
    `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
     SELECT t.id, ${t0} - k * interval '150 minutes' - (t.id % 3600) * interval '1 second',
            round((t.base * (0.7 + 0.6 * random()))::numeric, 2), round((t.base * 3 * random())::numeric, 2)
       FROM (SELECT id, 1000 * exp(4 * random()) AS base, 1 + floor(random() * 15)::int AS k_max
               FROM traders WHERE id % 2 = 0) t
      CROSS JOIN LATERAL generate_series(1, t.k_max) k`,
  );
  await step(
    'trader_portfolio_points + trader_enrichment (top 1 %)',
    `INSERT INTO trader_portfolio_points (trader_id, time, account_value, pnl)
     SELECT id, ${t0} - k * interval '22 hours' - interval '17 minutes', round((5000 + 3000 * random())::numeric, 2), round((1000 * (random() - 0.5))::numeric, 2)
       FROM generate_series(1, ${top1}) id CROSS JOIN generate_series(1, 100) k;
     INSERT INTO trader_enrichment (trader_id, fills_since, fills_until, fills_fetched, portfolio_at, enriched_at)
     SELECT id, '-infinity', ${t0} - interval '1 hour', 40, ${t0} - interval '1 hour', ${t0} - interval '1 hour'
       FROM generate_series(1, ${top1}) id`,
  );
  await step('vacuum analyze', `VACUUM ANALYZE`);
  const [{ tf, avp, pp }] = (
    await client.query<{ tf: string; avp: string; pp: string }>(
      `SELECT (SELECT count(*) FROM trader_fills) AS tf, (SELECT count(*) FROM account_value_points) AS avp,
              (SELECT count(*) FROM trader_portfolio_points) AS pp`,
    )
  ).rows;
  return { traders: n, fills, traderFills: Number(tf), accountPoints: Number(avp), portfolioPoints: Number(pp) };
}

/** `count` new public trades in the ten minutes after `at`, parties drawn as in generateDataset. */
export async function appendTrades(client: Client, n: number, at: Date, count: number): Promise<void> {
  const t0 = `'${at.toISOString()}'::timestamptz`;
  await client.query(
    `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
     SELECT 'BTC', base + g, ${addr('b')}, ${addr(`CASE WHEN s = b THEN s % ${n} + 1 ELSE s END`)}, 97000, 0.001, 'B',
            ${t0} + random() * interval '10 minutes', '0x' || lpad(to_hex(base + g), 64, '0')
       FROM (SELECT g, (SELECT max(tid) FROM fills) AS base,
                    1 + floor(${n} * power(random(), 3))::int AS b, 1 + floor(${n} * power(random(), 3))::int AS s
               FROM generate_series(1, ${count}) g) x`,
  );
}
