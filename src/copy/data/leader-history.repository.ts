import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { LeaderFill } from '../domain/backtest';

/** Fills per keyset page: a page is one indexed range read, and the replay holds one page at a time. */
export const HISTORY_PAGE = 5000;

export interface LeaderFillsRange {
  /** Fills after this time (exclusive, epoch ms); null = from the first. */
  after: number | null;
  /** How many there are (at most `cap`). */
  count: number;
  /** More than `cap` fills were in the window: only the newest `cap` are replayed. */
  truncated: boolean;
}

/**
 * Read-only view of a leader's history for backtests: its stored fills (`trader_fills`, written by
 * the live engine and enrichment, each with the leader's position before it) in time order, keyset
 * paged, and its stored account values (`account_value_points`, `trader_portfolio_points`). The
 * copy engine never writes these tables.
 */
@Injectable()
export class LeaderHistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The replayed range: fills after `after`, or only the newest `cap` of them when there are more
   * (one backward index read of at most cap + 1 rows).
   */
  async range(traderId: string, after: number | null, cap: number): Promise<LeaderFillsRange> {
    const rows: Array<{ t: number; n: number }> = await this.db.query(
      `SELECT (extract(epoch FROM time) * 1000)::float8 AS t, count(*) OVER ()::int AS n
         FROM (SELECT time FROM trader_fills
                WHERE trader_id = $1 AND ($2::float8 IS NULL OR time > to_timestamp($2::float8 / 1000))
                ORDER BY time DESC LIMIT $3) f
        ORDER BY time ASC LIMIT 1`,
      [traderId, after, cap + 1],
    );
    const n = rows[0]?.n ?? 0;
    if (n <= cap) return { after, count: n, truncated: false };
    // The oldest of the cap + 1 newest is left out: the replay starts after it.
    return { after: rows[0].t, count: cap, truncated: true };
  }

  /**
   * The leader's fills after `after` (exclusive, ms) in time order (then trade id), page by page:
   * each page starts after the last row of the previous one, so no page re-reads or skips a row.
   */
  async *fills(traderId: string, after: number | null, pageSize = HISTORY_PAGE): AsyncGenerator<LeaderFill[]> {
    const columns = `time::text AS ts, (extract(epoch FROM time) * 1000)::float8 AS t, tid::text, coin, side,
                     px::float8 AS px, sz::float8 AS sz, start_position::float8 AS sp`;
    let cursor: { time: string; tid: string; coin: string } | null = null;
    for (;;) {
      type Row = { ts: string; t: number; tid: string; coin: string; side: 'A' | 'B'; px: number; sz: number; sp: number | null };
      // The index (trader_id, time) range starts at the window's start, then at the last row's time.
      const rows: Row[] = cursor
        ? await this.db.query(
            `SELECT ${columns} FROM trader_fills
              WHERE trader_id = $1 AND time >= $2::timestamptz AND (time, tid, coin) > ($2::timestamptz, $3::bigint, $4::varchar)
              ORDER BY time, tid, coin LIMIT $5`,
            [traderId, cursor.time, cursor.tid, cursor.coin, pageSize],
          )
        : await this.db.query(
            `SELECT ${columns} FROM trader_fills
              WHERE trader_id = $1 AND ($2::float8 IS NULL OR time > to_timestamp($2::float8 / 1000))
              ORDER BY time, tid, coin LIMIT $3`,
            [traderId, after, pageSize],
          );
      if (rows.length === 0) return;
      yield rows.map((r) => ({ t: Math.round(r.t), coin: r.coin, side: r.side, px: r.px, sz: r.sz, startPosition: r.sp }));
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      cursor = { time: last.ts, tid: last.tid, coin: last.coin };
    }
  }

  /**
   * Per coin, the most decimals of the leader's fill sizes after `after`: the exchange never
   * reports a size finer than the coin's szDecimals, so this stands in for `meta` (which the api
   * role does not read) as the rounding step of the follower's orders.
   */
  async sizeDecimals(traderId: string, after: number | null): Promise<Map<string, number>> {
    const rows: Array<{ coin: string; d: number }> = await this.db.query(
      `SELECT coin, max(scale(trim_scale(sz)))::int AS d
         FROM trader_fills
        WHERE trader_id = $1 AND ($2::float8 IS NULL OR time > to_timestamp($2::float8 / 1000))
        GROUP BY coin`,
      [traderId, after],
    );
    return new Map(rows.map((r) => [r.coin, r.d]));
  }

  /**
   * The leader's account values in time order: every stored point after `after`, with the last
   * one at or before it (the equity the window opens with); the trader's latest account value
   * when none is stored.
   */
  async accountValues(traderId: string, after: number | null): Promise<Array<[number, number]>> {
    const rows: Array<{ t: number; av: number }> = await this.db.query(
      `WITH pts AS (
         SELECT time, account_value FROM account_value_points WHERE trader_id = $1
         UNION ALL
         SELECT time, account_value FROM trader_portfolio_points WHERE trader_id = $1
       ),
       opening AS (
         SELECT time, account_value FROM pts
          WHERE $2::float8 IS NOT NULL AND time <= to_timestamp($2::float8 / 1000)
          ORDER BY time DESC LIMIT 1
       ),
       inside AS (
         SELECT time, account_value FROM pts WHERE $2::float8 IS NULL OR time > to_timestamp($2::float8 / 1000)
       ),
       latest AS (
         SELECT coalesce(t.last_tracked_at, now()) AS time, t.account_value FROM traders t
          WHERE t.id = $1 AND t.account_value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pts)
       )
       SELECT (extract(epoch FROM time) * 1000)::float8 AS t, account_value::float8 AS av
         FROM (SELECT * FROM opening UNION ALL SELECT * FROM inside UNION ALL SELECT * FROM latest) s
        ORDER BY time`,
      [traderId, after],
    );
    return rows.map((r) => [r.t, r.av]);
  }
}
