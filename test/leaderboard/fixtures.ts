import { Client } from 'pg';
import { address, DAY, HOUR } from './support';

/**
 * A small board inserted with SQL: `n` traders with 1–40 trades each (spread over 45 days, a third
 * of them with a whale's size), realized PnL for two thirds of them, snapshots for half, a vault.
 * Deterministic for a seed. Returns the addresses, vault last.
 */
export async function seedBoard(pg: Client, n: number, seed = 1): Promise<string[]> {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const now = Date.now();
  const addresses = Array.from({ length: n + 1 }, address);
  const counterparty = address();
  await pg.query(
    // role_checked_at: the vault lookup (tracking) leaves them alone, the vault stays one.
    `INSERT INTO traders (address, first_seen_at, last_seen_trading_at, is_vault, role, role_checked_at)
     SELECT a, now() - interval '45 days', now(), a = $2, CASE WHEN a = $2 THEN 'vault' ELSE 'user' END, now()
       FROM unnest($1::varchar[]) a`,
    [addresses, addresses[n]],
  );
  const ids = new Map(
    (await pg.query<{ address: string; id: string }>('SELECT address, id FROM traders WHERE address = ANY($1)', [addresses])).rows.map((r) => [
      r.address,
      r.id,
    ]),
  );
  const fills: unknown[][] = [];
  const traderFills: unknown[][] = [];
  const points: unknown[][] = [];
  let tid = 700_000_000_000 + seed * 10_000_000;
  addresses.forEach((who, i) => {
    const count = 1 + Math.floor(rand() * 40);
    const whale = i % 3 === 0 ? 1000 : 1;
    for (let k = 0; k < count; k++) {
      const time = new Date(now - Math.floor(rand() * 45 * DAY) - HOUR);
      const px = 1000 + Math.round(rand() * 1000);
      const sz = Math.round((0.01 + rand()) * whale * 1000) / 1000;
      const buy = rand() < 0.5;
      tid++;
      fills.push(['ETH', tid, buy ? who : counterparty, buy ? counterparty : who, px, sz, buy ? 'B' : 'A', time, `0x${String(tid).padStart(64, '0')}`]);
      if (i % 3 !== 2) {
        const closing = rand() < 0.5;
        const pnl = closing ? Math.round((rand() - 0.45) * px * sz * 10) / 100 : 0;
        traderFills.push([ids.get(who), 'ETH', tid, time, buy ? 'B' : 'A', px, sz, closing ? (buy ? -sz : sz) : 0, pnl, Math.round(px * sz * 4.5) / 10000, 'exchange']);
      }
    }
    if (i % 2 === 0) {
      for (let k = 0; k < 6; k++) {
        const av = 1000 + Math.round(rand() * 9000);
        points.push([ids.get(who), new Date(now - k * 5 * DAY - 2 * HOUR), av, Math.round(av * rand() * 300) / 100]);
      }
    }
  });
  const columns = (rows: unknown[][]) => rows[0].map((_, c) => rows.map((r) => r[c]));
  await pg.query(
    `INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
     SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::varchar[], $5::numeric[], $6::numeric[], $7::char[],
                          $8::timestamptz[], $9::varchar[])`,
    columns(fills),
  );
  await pg.query(
    `INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, closed_pnl, fee, source)
     SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::bigint[], $4::timestamptz[], $5::char[], $6::numeric[], $7::numeric[],
                          $8::numeric[], $9::numeric[], $10::numeric[], $11::varchar[])`,
    columns(traderFills),
  );
  await pg.query(
    `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::numeric[], $4::numeric[])`,
    columns(points),
  );
  return addresses;
}
