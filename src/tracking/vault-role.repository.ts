import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * `address_roles` (every `userRole` answer, kept for good, seeded with the known vaults) and the
 * role columns of `traders` it feeds.
 */
@Injectable()
export class VaultRoleRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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

  /** Stores an answer for good and applies it to the trader row (when there is one). */
  async record(address: string, role: string): Promise<void> {
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
  async frontRunners(minTrades: number, limit: number): Promise<string[]> {
    const rows: Array<{ address: string }> = await this.db.query(
      `SELECT address FROM traders
        WHERE role_checked_at IS NULL AND is_active AND trades_seen >= $1
          AND last_seen_trading_at > now() - interval '1 day'
        ORDER BY trades_seen DESC, id ASC LIMIT $2`,
      [minTrades, limit],
    );
    return rows.map((r) => r.address);
  }
}
