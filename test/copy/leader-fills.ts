/**
 * Leaders with stored fills (trader_fills, as the live engine and enrichment write them) for the
 * backtest's tests and bench.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';

export const randomAddress = (): string => `0x${randomBytes(20).toString('hex')}`;

export interface SeedFill {
  t: number;
  coin: string;
  side: 'A' | 'B';
  /** Decimal strings, as the exchange sends them. */
  px: string;
  sz: string;
  startPosition: string | null;
}

/** A trader row; returns its id. */
export async function insertTrader(c: Client, address: string, opts: { accountValue?: number; isVault?: boolean } = {}): Promise<string> {
  const { rows } = await c.query<{ id: string }>(
    `INSERT INTO traders (address, account_value, is_vault) VALUES ($1, $2, $3) RETURNING id::text`,
    [address, opts.accountValue ?? null, opts.isVault ?? false],
  );
  return rows[0].id;
}

/** Explicit fills of a trader (one statement). */
export async function insertFills(c: Client, traderId: string, fills: readonly SeedFill[], firstTid = 1): Promise<void> {
  await c.query(
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
     SELECT $1, coin, $2::bigint + ord - 1, to_timestamp(t / 1000.0), side, px, sz, sp, NULL, NULL, NULL, 'stream'
       FROM unnest($3::varchar[], $4::float8[], $5::char[], $6::numeric[], $7::numeric[], $8::numeric[])
            WITH ORDINALITY AS u(coin, t, side, px, sz, sp, ord)`,
    [
      traderId,
      firstTid,
      fills.map((f) => f.coin),
      fills.map((f) => f.t),
      fills.map((f) => f.side),
      fills.map((f) => f.px),
      fills.map((f) => f.sz),
      fills.map((f) => f.startPosition),
    ],
  );
}

/**
 * `n` fills of a busy leader over the `days` before `endMs`, generated in PostgreSQL: three coins
 * in turn, each in cycles of open, increase, decrease, close (long and short cycles alternating),
 * sizes varying, prices drifting; start_position is the running position, as the exchange reports
 * it. A few fills share their time with the previous one (one order taking several makers).
 */
export async function seedBusyLeader(c: Client, traderId: string, n: number, endMs: number, days = 6): Promise<void> {
  const step = Math.floor((days * 86_400_000) / n);
  await c.query(
    `WITH g AS (
       SELECT i, (ARRAY['BTC','ETH','SOL'])[1 + i % 3] AS coin, (ARRAY[97000, 3400, 190])[1 + i % 3]::float8 AS base,
              (ARRAY[0.001, 0.01, 1])[1 + i % 3]::float8 AS lot, i / 3 AS j
         FROM generate_series(0, $2::int - 1) i
     ),
     s AS (
       SELECT i, coin, j,
              $3::float8 - ($2::int - i) * $4::float8 + CASE WHEN i % 7 = 6 THEN -$4::float8 ELSE 0 END AS t_ms,
              round((base * (1 + 0.08 * sin(i / 400.0) + 0.004 * ((abs(hashint4(i)) % 1000) / 1000.0 - 0.5)))::numeric, 1) AS px,
              lot * (1 + (j / 4) % 5) * CASE WHEN (j / 4) % 2 = 0 THEN 1 ELSE -1 END * CASE WHEN j % 4 < 2 THEN 1 ELSE -1 END AS signed
         FROM g
     )
     INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, fee, source)
     SELECT $1, coin, 1000000 + i, to_timestamp(t_ms / 1000.0), CASE WHEN signed > 0 THEN 'B' ELSE 'A' END, px,
            round(abs(signed)::numeric, 3),
            round(coalesce(sum(signed) OVER (PARTITION BY coin ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::numeric, 3),
            NULL, NULL, NULL, 'stream'
       FROM s`,
    [traderId, n, endMs, step],
  );
}
