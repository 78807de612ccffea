import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { WsTrade } from '../hyperliquid/hyperliquid.types';
import { withDeadlockRetry } from '../database/deadlock-retry';

export interface DeadLetter {
  trade: WsTrade;
  error: string;
  sqlstate: string | null;
}

/** Postgres text cannot hold NUL; escaped, an error message that quotes a bad value still fits. */
const sanitise = (s: string): string => s.replaceAll(String.fromCharCode(0), '\\u0000');

export interface StoredBatch {
  /** The trades this call inserted (the others were already in the ledger). */
  inserted: WsTrade[];
  /** Addresses seen for the first time. */
  newTraders: number;
}

/**
 * The public trades ledger and the traders it reveals: one set-based statement per batch. Fills
 * go in with ON CONFLICT (coin, tid, time) DO NOTHING (the day-partitioned ledger's key; a trade's time
 * never changes, so replays and redundant replicas are no-ops), and
 * only the fills actually inserted upsert their buyer and seller, so counts never double.
 */
@Injectable()
export class FillsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async storeBatch(trades: readonly WsTrade[]): Promise<StoredBatch> {
    if (trades.length === 0) return { inserted: [], newTraders: 0 };
    const n = trades.length;
    const coin = new Array<string>(n);
    const tid = new Array<string>(n);
    const buyer = new Array<string>(n);
    const seller = new Array<string>(n);
    const px = new Array<string>(n);
    const sz = new Array<string>(n);
    const side = new Array<string>(n);
    const time = new Array<string>(n);
    const hash = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const t = trades[i];
      coin[i] = t.coin;
      tid[i] = String(t.tid);
      buyer[i] = t.buyer;
      seller[i] = t.seller;
      px[i] = t.px;
      sz[i] = t.sz;
      side[i] = t.side;
      time[i] = String(t.time);
      hash[i] = t.hash;
    }
    const rows: Array<{ n_inserted: string; inserted: Array<[string, string]> | null; new_traders: string }> = await withDeadlockRetry(() =>
      this.db.query(
      `
      WITH input AS (
        SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::varchar[], $5::numeric[],
                             $6::numeric[], $7::char[], $8::bigint[], $9::varchar[])
          AS t(coin, tid, buyer, seller, px, sz, side, time_ms, hash)
      ),
      ins AS (
        INSERT INTO fills (coin, tid, buyer, seller, px, sz, side, time, hash)
        SELECT coin, tid, buyer, seller, px, sz, side, to_timestamp(time_ms / 1000.0), hash FROM input
        ON CONFLICT (coin, tid, time) DO NOTHING
        RETURNING coin, tid, buyer, seller, time
      ),
      parties AS (
        SELECT buyer AS address, time FROM ins UNION ALL SELECT seller, time FROM ins
      ),
      upserted AS (
        INSERT INTO traders (address, first_seen_at, last_seen_trading_at, trades_seen)
        SELECT address, min(time), max(time), count(*) FROM parties GROUP BY address ORDER BY address
        ON CONFLICT (address) DO UPDATE SET
          last_seen_trading_at = GREATEST(traders.last_seen_trading_at, EXCLUDED.last_seen_trading_at),
          trades_seen = traders.trades_seen + EXCLUDED.trades_seen,
          is_active = true -- a trader seeded from the exchange's leaderboard file is tracked once it trades
        RETURNING (xmax = 0) AS is_new
      )
      SELECT (SELECT count(*) FROM ins) AS n_inserted,
             -- Which ones only when not all (the common case needs no list).
             CASE WHEN (SELECT count(*) FROM ins) < $10 THEN (SELECT json_agg(json_build_array(coin, tid::text)) FROM ins) END AS inserted,
             (SELECT count(*) FROM upserted WHERE is_new) AS new_traders
      `,
      [coin, tid, buyer, seller, px, sz, side, time, hash, n],
      ),
    );
    if (Number(rows[0]?.n_inserted ?? 0) === n) return { inserted: [...trades], newTraders: Number(rows[0]?.new_traders ?? 0) };
    const keys = new Set((rows[0]?.inserted ?? []).map(([c, t]) => `${c}|${t}`));
    const inserted = trades.filter((t) => keys.delete(`${t.coin}|${t.tid}`));
    return { inserted, newTraders: Number(rows[0]?.new_traders ?? 0) };
  }

  /** Sets aside trades the ledger refused, with the database's error (see fill_dead_letters). */
  async storeDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.db.query(
      `INSERT INTO fill_dead_letters (payload, error, sqlstate)
       SELECT * FROM unnest($1::text[], $2::text[], $3::varchar[])`,
      [
        letters.map((l) => JSON.stringify(l.trade)),
        letters.map((l) => sanitise(l.error).slice(0, 2000)),
        letters.map((l) => (l.sqlstate !== null && /^[0-9A-Z]{5}$/.test(l.sqlstate) ? l.sqlstate : null)),
      ],
    );
  }

  /** The newest stored trade's time; a trade timed in the future (a bad row) is not the newest. */
  async newestTradeAt(): Promise<Date | null> {
    const [row] = await this.db.query(`SELECT max(time) AS newest_trade_at FROM fills WHERE time <= now() + interval '1 hour'`);
    return row?.newest_trade_at ?? null;
  }
}
