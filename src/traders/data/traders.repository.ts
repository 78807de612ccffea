import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { countRows, estimatedRows, EXACT_COUNT_LIMIT } from '../../database/row-counts';

export interface TraderRow {
  id: string;
  address: string;
  first_seen_at: Date;
  last_seen_trading_at: Date | null;
  last_tracked_at: Date | null;
  is_active: boolean;
  is_vault: boolean;
  role: string | null;
  account_value: string | null;
  trades_seen: string;
}

const TRADER_COLUMNS = `id, address, first_seen_at, last_seen_trading_at, last_tracked_at, is_active, is_vault,
  role, account_value::text AS account_value, trades_seen`;

/** What other modules need to know of a leader (copy trading). */
export interface TraderIdentity {
  id: string;
  address: string;
  /** A vault by the flag or by its looked-up role. */
  isVault: boolean;
  accountValue: string | null;
}

/**
 * The owner of the `traders` family (`traders` and `address_roles`): the API's reads, the lookups
 * other modules ask for, and the roles vault checks store. The tracking queue's claims and flags
 * over the same rows are in `tracking-queue.repository.ts` beside this file; discovery's upsert of
 * first-seen traders stays in its fill-insert statement (one statement per batch, lock order).
 */
@Injectable()
export class TradersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Most recently trading first; `prefix` is a lower-case `0x…` address prefix. */
  async list(prefix: string | null, limit: number, offset: number): Promise<TraderRow[]> {
    const where = prefix ? `WHERE address LIKE $3` : '';
    return this.db.query(
      `SELECT ${TRADER_COLUMNS} FROM traders ${where}
        ORDER BY last_seen_trading_at DESC NULLS LAST, id DESC
        LIMIT $1 OFFSET $2`,
      prefix ? [limit, offset, `${prefix}%`] : [limit, offset],
    );
  }

  async count(prefix: string | null): Promise<number> {
    if (prefix) {
      const [row] = await this.db.query(`SELECT count(*)::bigint AS n FROM traders WHERE address LIKE $1`, [`${prefix}%`]);
      return Number(row.n);
    }
    return (await countRows(this.db, 'traders')).n;
  }

  /**
   * All traders and the active ones: exact up to EXACT_COUNT_LIMIT rows; above, the planner's
   * estimates of the table and of the active-traders partial index (the tracking queue's).
   */
  async totals(): Promise<{ total: number; active: number; exact: boolean }> {
    const estimates = await estimatedRows(this.db, ['traders', 'idx_traders_tracking_queue']);
    const total = estimates.get('traders') ?? -1;
    // -1: never analyzed (a new table), counted exactly.
    if (total > EXACT_COUNT_LIMIT) return { total, active: estimates.get('idx_traders_tracking_queue') ?? -1, exact: false };
    const [t] = await this.db.query(`SELECT count(*)::bigint AS total, count(*) FILTER (WHERE is_active)::bigint AS active FROM traders`);
    return { total: Number(t.total), active: Number(t.active), exact: true };
  }

  async findByAddress(address: string): Promise<TraderRow | null> {
    const rows: TraderRow[] = await this.db.query(`SELECT ${TRADER_COLUMNS} FROM traders WHERE address = $1`, [address]);
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<TraderRow | null> {
    const rows: TraderRow[] = await this.db.query(`SELECT ${TRADER_COLUMNS} FROM traders WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Traders by address (unknown addresses are left out). */
  async identities(addresses: string[]): Promise<TraderIdentity[]> {
    if (addresses.length === 0) return [];
    const rows: Array<{ id: string; address: string; is_vault: boolean; account_value: string | null }> = await this.db.query(
      `SELECT t.id, t.address, t.is_vault OR coalesce(t.role = 'vault', false) AS is_vault, t.account_value::text
         FROM traders t WHERE t.address = ANY($1::varchar[])`,
      [addresses],
    );
    return rows.map((r) => ({ id: String(r.id), address: r.address, isVault: r.is_vault, accountValue: r.account_value }));
  }

  /** Addresses by trader id (unknown ids are left out). */
  async addresses(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; address: string }> = await this.db.query(
      'SELECT id, address FROM traders WHERE id = ANY($1::bigint[])',
      [ids],
    );
    return new Map(rows.map((r) => [String(r.id), r.address]));
  }

  /** A role already known: from `address_roles`, or a trader row that has one. */
  async knownRole(address: string): Promise<string | null> {
    const rows: Array<{ role: string }> = await this.db.query(
      `SELECT role FROM address_roles WHERE address = $1
       UNION ALL
       SELECT role FROM traders WHERE address = $1 AND role_checked_at IS NOT NULL AND role IS NOT NULL
       LIMIT 1`,
      [address],
    );
    return rows[0]?.role ?? null;
  }

  /** Stores a `userRole` answer for good (`address_roles`) and applies it to the trader row (when there is one). */
  async recordRole(address: string, role: string): Promise<void> {
    await this.db.query(
      `WITH saved AS (
         INSERT INTO address_roles (address, role, source) VALUES ($1, $2, 'lookup')
         ON CONFLICT (address) DO UPDATE SET role = EXCLUDED.role, checked_at = now()
         RETURNING address, role, checked_at)
       UPDATE traders t SET role = s.role, is_vault = (s.role = 'vault'), role_checked_at = s.checked_at
         FROM saved s WHERE t.address = s.address`,
      [address, role],
    );
  }

  /** Copies known roles (seeded vaults, earlier answers) onto trader rows that have none yet. */
  async applyKnownRoles(): Promise<number> {
    const rows: Array<{ n: string }> = await this.db.query(
      `WITH upd AS (
         UPDATE traders t SET role = r.role, is_vault = (r.role = 'vault'), role_checked_at = r.checked_at
           FROM address_roles r WHERE t.address = r.address AND t.role_checked_at IS NULL
         RETURNING 1)
       SELECT count(*) AS n FROM upd`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Traders that can reach the leaderboard's first pages and were never looked up: past the
   * leaderboard's eligibility minimum of trades, seen trading in the last day, most active first.
   */
  async roleFrontRunners(minTrades: number, limit: number): Promise<string[]> {
    const rows: Array<{ address: string }> = await this.db.query(
      `SELECT address FROM traders
        WHERE role_checked_at IS NULL AND is_active AND trades_seen >= $1
          AND last_seen_trading_at > now() - interval '1 day'
        ORDER BY trades_seen DESC, id ASC LIMIT $2`,
      [minTrades, limit],
    );
    return rows.map((r) => r.address);
  }

  /** Data freshness of tracking: the oldest snapshot of an active trader, and how many never had one. */
  async trackingFreshness(): Promise<{ oldestTrackedAt: Date | null; neverTracked: number }> {
    const [row] = await this.db.query(
      `SELECT (SELECT min(last_tracked_at) FROM traders WHERE is_active) AS oldest_tracked_at,
              (SELECT count(*) FROM traders WHERE is_active AND last_tracked_at IS NULL)::bigint AS never_tracked`,
    );
    return { oldestTrackedAt: row.oldest_tracked_at, neverTracked: Number(row.never_tracked) };
  }
}
