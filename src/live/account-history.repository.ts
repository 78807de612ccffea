import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface HistoryRow {
  time: Date;
  account_value: string;
  total_ntl_pos: string;
}

/**
 * The owner of the account-value series (`account_value_points`, written by the live applier's
 * commit): its reads and its retention (recent points kept, older ones downsampled).
 */
@Injectable()
export class AccountHistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The newest `limit` points in [from, to], returned oldest first. */
  async history(traderId: string, from: Date | null, to: Date | null, limit: number): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = await this.db.query(
      `SELECT time, account_value::text AS account_value, total_ntl_pos::text AS total_ntl_pos
         FROM account_value_points
        WHERE trader_id = $1
          AND ($2::timestamptz IS NULL OR time >= $2)
          AND ($3::timestamptz IS NULL OR time <= $3)
        ORDER BY time DESC
        LIMIT $4`,
      [traderId, from, to, limit],
    );
    return rows.reverse();
  }

  /**
   * Keeps every point of the last 2 days, the last point of each hour up to 30 days, and the last
   * point of each day beyond. Runs under an advisory lock so one worker does it at a time.
   */
  async downsample(): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [lock]: Array<{ ok: boolean }> = await tx.query('SELECT pg_try_advisory_xact_lock(727002) AS ok');
      if (!lock.ok) return null;
      const rows: Array<{ n: string }> = await tx.query(`
        WITH ranked AS (
          SELECT trader_id, time,
                 row_number() OVER (
                   PARTITION BY trader_id,
                     CASE WHEN time < now() - interval '30 days' THEN date_trunc('day', time)
                          ELSE date_trunc('hour', time) END
                   ORDER BY time DESC) AS rn
            FROM account_value_points
           WHERE time < now() - interval '2 days'
        ), gone AS (
          DELETE FROM account_value_points p USING ranked r
           WHERE p.trader_id = r.trader_id AND p.time = r.time AND r.rn > 1
          RETURNING 1
        ) SELECT count(*) AS n FROM gone`);
      return Number(rows[0].n);
    });
  }
}
