import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ParsedAccountState } from '../hyperliquid/hyperliquid.types';
import type { TradeEventPayload, TradeEventRow } from '../events/trade-event.payload';
import { toTradeEventPayload } from '../events/trade-event.payload';
import { diffPositions, PositionChange, PositionLike } from './position-diff';
import { markPrices } from './snapshot-math';

export interface SnapshotResult {
  /** Events this call stored (to publish now). */
  events: TradeEventPayload[];
  /** True for the first snapshot of a trader: it sets the baseline and emits nothing. */
  baseline: boolean;
  changed: boolean;
}

interface StoredPosition {
  coin: string;
  szi: string;
  entry_px: string | null;
}

/**
 * Commits one clearinghouseState snapshot: diff against the stored positions under a row lock,
 * positions, the snapshot (only when something changed), an account-value point, the events
 * (idempotent on dedupe_key) and the queue bookkeeping, all in one transaction. Events are
 * published by the caller after the commit; the outbox relay catches any it could not publish.
 */
@Injectable()
export class SnapshotRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async commit(
    trader: { id: string; address: string },
    state: ParsedAccountState,
    raw: unknown,
    fetchStartedAt: Date,
  ): Promise<SnapshotResult> {
    return this.db.transaction(async (tx) => {
      const [row]: Array<{ last_tracked_at: Date | null }> = await tx.query(
        'SELECT last_tracked_at FROM traders WHERE id = $1 FOR UPDATE',
        [trader.id],
      );
      const baseline = !row || row.last_tracked_at === null;
      const prevRows: StoredPosition[] = await tx.query(
        'SELECT coin, szi::text, entry_px::text FROM trader_positions WHERE trader_id = $1',
        [trader.id],
      );
      const prev: PositionLike[] = prevRows.map((p) => ({ coin: p.coin, szi: p.szi, entryPx: p.entry_px }));
      const next: PositionLike[] = state.positions.map((p) => ({ coin: p.coin, szi: p.szi, entryPx: p.entryPx }));
      let changes = diffPositions(prev, next, { markPrices: markPrices(state.positions) });
      if (state.invalidPositions > 0) {
        // An unparsable element: never read its absence as a close.
        changes = changes.filter((c) => c.event_type !== 'position_closed');
      }
      const at = new Date(state.time ?? Date.now());

      await this.writePositions(tx, trader.id, next, changes, at);
      if (changes.length > 0 || baseline) {
        await tx.query(
          `INSERT INTO user_state_history (trader_id, captured_at, account_value, total_ntl_pos, positions, state_data)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [trader.id, at, state.accountValue, state.totalNtlPos, JSON.stringify(next), JSON.stringify(raw)],
        );
      }
      await tx.query(
        `INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [trader.id, at, state.accountValue, state.totalNtlPos],
      );
      const events = baseline ? [] : await this.insertEvents(tx, trader, changes, at);
      await tx.query(
        `UPDATE traders SET last_tracked_at = now(), account_value = $2,
                claimed_until = NULL, claimed_by = NULL,
                traded_flag_at = CASE WHEN traded_flag_at <= $3 THEN NULL ELSE traded_flag_at END
          WHERE id = $1`,
        [trader.id, state.accountValue, fetchStartedAt],
      );
      return { events, baseline, changed: changes.length > 0 };
    });
  }

  private async writePositions(
    tx: EntityManager,
    traderId: string,
    next: PositionLike[],
    changes: PositionChange[],
    at: Date,
  ): Promise<void> {
    const closed = changes.filter((c) => c.event_type === 'position_closed').map((c) => c.coin);
    if (closed.length > 0) {
      await tx.query('DELETE FROM trader_positions WHERE trader_id = $1 AND coin = ANY($2::varchar[])', [traderId, closed]);
    }
    const open = next.filter((p) => Number(p.szi) !== 0);
    if (open.length === 0) return;
    await tx.query(
      `INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at, confirmed_at)
       SELECT $1, coin, szi, entry_px, $5, $5
         FROM unnest($2::varchar[], $3::numeric[], $4::numeric[]) AS p(coin, szi, entry_px)
       ON CONFLICT (trader_id, coin) DO UPDATE SET
         szi = EXCLUDED.szi, entry_px = EXCLUDED.entry_px, confirmed_at = EXCLUDED.confirmed_at,
         updated_at = CASE WHEN trader_positions.szi = EXCLUDED.szi THEN trader_positions.updated_at
                           ELSE EXCLUDED.updated_at END`,
      [traderId, open.map((p) => p.coin), open.map((p) => p.szi), open.map((p) => p.entryPx ?? null), at],
    );
  }

  private async insertEvents(
    tx: EntityManager,
    trader: { id: string; address: string },
    changes: PositionChange[],
    at: Date,
  ): Promise<TradeEventPayload[]> {
    if (changes.length === 0) return [];
    const details = changes.map((c) => ({ ...c, source: 'snapshot' as const }));
    const rows: TradeEventRow[] = await tx.query(
      `INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key)
       SELECT $1::bigint, $2::varchar, d->>'coin', d->>'event_type', 'snapshot', $3::timestamptz, d - 'event_type',
              'snap:' || $1::text || ':' || (d->>'coin') || ':' || $4::text
         FROM jsonb_array_elements($5::jsonb) AS d
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, trader_id, trader_address, timestamp, event_type, details`,
      [trader.id, trader.address, at, String(at.getTime()), JSON.stringify(details)],
    );
    return rows.map(toTradeEventPayload);
  }
}
