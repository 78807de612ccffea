import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { procSample } from './processes';

/**
 * The Postgres ceiling for the trades ledger: plain batched inserts from one client, as fast as
 * it can, for `seconds`: each statement inserts `batch` trades with unnest arrays into `fills`
 * (ON CONFLICT DO NOTHING) and upserts their buyers and sellers into `traders` (the same columns
 * as discovery's: last seen, trades seen, is_active), like discovery's statement minus its
 * bookkeeping (which rows went in, how many traders are new). The same tables as discovery
 * writes: the day-partitioned `fills` and `traders` (discovery does not write `trader_fills`: the
 * worker's live applier does, for baselined traders only). Trades spread over `traders` addresses
 * and 28 coins, timed now. `pgCpuMsPer1k`: the Postgres backend's CPU per 1,000 trades (/proc).
 */
export async function measurePgCeiling(
  url: string,
  opts: { seconds: number; batch: number; traders: number },
): Promise<{ perSecond: number; trades: number; pgCpuMsPer1k: number }> {
  const addresses = Array.from({ length: opts.traders }, () => `0x${randomBytes(20).toString('hex')}`);
  const coins = Array.from({ length: 28 }, (_, i) => `C${i}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const cpu0 = procSample(backend).cpuSeconds;
  let cpu1 = cpu0;
  let tid = 1;
  let trades = 0;
  const started = Date.now();
  try {
    while (Date.now() - started < opts.seconds * 1000) {
      const n = opts.batch;
      const cols = { coin: [] as string[], tid: [] as string[], buyer: [] as string[], seller: [] as string[], px: [] as string[], sz: [] as string[], side: [] as string[], time: [] as string[], hash: [] as string[] };
      const now = Date.now();
      for (let i = 0; i < n; i++, tid++) {
        const b = tid % addresses.length;
        cols.coin.push(coins[tid % coins.length]);
        cols.tid.push(String(tid));
        cols.buyer.push(addresses[b]);
        cols.seller.push(addresses[(b + 1 + (tid % 7)) % addresses.length]);
        cols.px.push((100 + (tid % 50) / 10).toFixed(1));
        cols.sz.push('0.5');
        cols.side.push(tid % 2 ? 'A' : 'B');
        cols.time.push(String(now));
        cols.hash.push(`0x${tid.toString(16).padStart(64, '0')}`);
      }
      await client.query(
        `WITH ins AS (
           INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
           SELECT coin, tid, buyer, seller, px, sz, side, to_timestamp(ms / 1000.0), hash
             FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::varchar[], $5::numeric[], $6::numeric[], $7::char[], $8::bigint[], $9::varchar[])
               AS t(coin, tid, buyer, seller, px, sz, side, ms, hash)
           ON CONFLICT DO NOTHING
           RETURNING buyer, seller, time
         ), parties AS (SELECT buyer AS address, time FROM ins UNION ALL SELECT seller, time FROM ins)
         INSERT INTO traders (address, first_seen_at, last_seen_trading_at, trades_seen)
         SELECT address, min(time), max(time), count(*) FROM parties GROUP BY address ORDER BY address
         ON CONFLICT (address) DO UPDATE SET
           last_seen_trading_at = GREATEST(traders.last_seen_trading_at, EXCLUDED.last_seen_trading_at),
           trades_seen = traders.trades_seen + EXCLUDED.trades_seen,
           is_active = true`,
        [cols.coin, cols.tid, cols.buyer, cols.seller, cols.px, cols.sz, cols.side, cols.time, cols.hash],
      );
      trades += n;
    }
    cpu1 = procSample(backend).cpuSeconds;
  } finally {
    await client.end();
  }
  return { perSecond: trades / ((Date.now() - started) / 1000), trades, pgCpuMsPer1k: trades > 0 ? ((cpu1 - cpu0) * 1e6) / trades : NaN };
}
