import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { withAdvisoryLock } from '../database/advisory-lock';
import { DataSource } from 'typeorm';
import type { ExchangeBoardRow, ExchangeBoardWindow } from '../hyperliquid/stats-leaderboard-parser';

/**
 * Advisory-lock key of the exchange leaderboard read (one worker at a time). Its own: it once
 * shared its key with the ledger's partition maintenance, so a boot where that job held the lock
 * skipped the day-one read for a whole check interval (and the job skipped its hour likewise).
 */
export const EXCHANGE_BOARD_LOCK_KEY = 727_021;

/** Our column suffix of each of the exchange's windows. */
const SUFFIX: Readonly<Record<ExchangeBoardWindow, string>> = { day: 'day', week: 'week', month: 'month', allTime: 'all' };

/** exchange_board_rows / exchange_board_fetches, and the traders the file makes known. */
@Injectable()
export class ExchangeBoardRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `fn` holding the advisory lock on one pooled connection; null when another worker holds it. */
  withLock<T>(fn: () => Promise<T>): Promise<T | null> {
    return withAdvisoryLock(this.db, EXCHANGE_BOARD_LOCK_KEY, fn);
  }

  /** Seconds since the last read of the file (by the database clock); null when never read. */
  async lastFetchAgeSeconds(): Promise<number | null> {
    const rows: Array<{ age: number }> = await this.db.query(
      `SELECT extract(epoch FROM now() - fetched_at)::float8 AS age FROM exchange_board_fetches ORDER BY id DESC LIMIT 1`,
    );
    return rows[0]?.age ?? null;
  }

  /**
   * Makes every address of `rows` a known trader (inactive: not tracked until discovery sees it
   * trade, so tens of thousands of seeded wallets never crowd the tracking budget) and stores its reported figures (one statement
   * per chunk). Returns how many traders were new.
   */
  async upsert(rows: readonly ExchangeBoardRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const fig = (w: ExchangeBoardWindow, k: 'pnl' | 'roi' | 'vlm') => rows.map((r) => r.windows[w]?.[k] ?? null);
    const windows = Object.keys(SUFFIX) as ExchangeBoardWindow[];
    const params: unknown[] = [rows.map((r) => r.address), rows.map((r) => r.displayName), rows.map((r) => r.accountValue)];
    for (const w of windows) params.push(fig(w, 'pnl'), fig(w, 'roi'), fig(w, 'vlm'));
    const cols = windows.flatMap((w) => [`pnl_${SUFFIX[w]}`, `roi_${SUFFIX[w]}`, `vlm_${SUFFIX[w]}`]);
    const types = windows.flatMap(() => ['numeric', 'float8', 'numeric']);
    const unnest = ['varchar', 'varchar', 'numeric', ...types].map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    // Two statements: the second's snapshot sees the traders discovery inserted meanwhile (one
    // statement's snapshot would not, and their rows would be skipped).
    const [{ added }]: Array<{ added: number }> = await this.db.query(
      `WITH ins AS (
         INSERT INTO traders (address, is_active) SELECT a, false FROM unnest($1::varchar[]) AS u(a) ORDER BY a
         ON CONFLICT (address) DO NOTHING
         RETURNING 1
       ) SELECT count(*)::int AS added FROM ins`,
      [params[0]],
    );
    await this.db.query(
      `WITH input AS (
         SELECT * FROM unnest(${unnest}) AS u(address, display_name, account_value, ${cols.join(', ')})
       )
       INSERT INTO exchange_board_rows AS x (trader_id, display_name, account_value, ${cols.join(', ')}, fetched_at)
       SELECT t.id, i.display_name, i.account_value, ${cols.map((c) => `i.${c}`).join(', ')}, now()
         FROM input i JOIN traders t ON t.address = i.address
       ON CONFLICT (trader_id) DO UPDATE SET
         display_name = EXCLUDED.display_name, account_value = EXCLUDED.account_value,
         ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, fetched_at = EXCLUDED.fetched_at`,
      params,
    );
    return added;
  }

  async recordFetch(rowCount: number, newTraders: number, invalid: number, durationMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO exchange_board_fetches (row_count, new_traders, invalid, duration_ms) VALUES ($1, $2, $3, $4)`,
      [rowCount, newTraders, invalid, durationMs],
    );
  }
}
