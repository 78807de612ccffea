import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toTradeEventPayload, TradeEventPayload, TradeEventRow } from '../events/trade-event.payload';
import { withDeadlockRetry } from '../database/deadlock-retry';
import { TradersRepository } from '../traders/data/traders.repository';
import type { FillRow, LiveEvent, LiveTrader } from './live-book';

export interface SnapshotRecord {
  traderId: string;
  time: number;
  accountValue: string;
  totalNtlPos: string;
  positions: unknown;
  raw: unknown;
  /** Store the full snapshot in user_state_history (baseline or correction). */
  keepHistory: boolean;
}

export interface LiveBatch {
  /** Current positions of every trader the batch touched. */
  positions: Array<{ traderId: string; coin: string; szi: string; entryPx: string | null }>;
  touchedTraderIds: string[];
  /** Traders reset to a snapshot in this batch, with the snapshot's time (one per trader). */
  baselines: Array<{ traderId: string; time: number }>;
  fills: FillRow[];
  events: LiveEvent[];
  snapshots: SnapshotRecord[];
  /** Stream positions after this batch. */
  checkpoints: Record<string, string>;
  /** Stream positions this leader last committed (or loaded): the commit's fence. */
  expected: Record<string, string>;
}

/** Another leader committed since this one loaded: its in-memory state is stale. */
export class LiveFencedError extends Error {
  constructor() {
    super('live checkpoints moved under this leader (another leader committed): reloading');
  }
}

export interface PositionRow {
  coin: string;
  szi: string;
  entry_px: string | null;
  updated_at: Date;
  confirmed_at: Date | null;
}

/** A leader's live state as copy trading reads it (raw: sizes as text, leverage as stored). */
export interface LeaderLiveState {
  baselined: boolean;
  positions: Array<{ coin: string; szi: string }>;
  leverage: Array<{ coin: string; value: number }>;
}

/**
 * The owner of the live state's tables (trader_positions, live_baselines, stream_checkpoints,
 * user_state_history; account_value_points in account-history.repository.ts): the live applier's
 * state in, one fenced statement per batch out, and the reads other modules ask for.
 */
@Injectable()
export class LiveRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly traders: TradersRepository,
  ) {}

  /** The baselined traders with their positions (addresses asked of the traders repository). */
  async loadTraders(): Promise<LiveTrader[]> {
    const rows: Array<{ id: string; baseline_ms: string; positions: Array<{ coin: string; szi: string; entry_px: string | null }> | null }> =
      await this.db.query(`
        SELECT b.trader_id AS id, (extract(epoch FROM b.baseline_at) * 1000)::bigint::text AS baseline_ms,
               (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text, 'entry_px', p.entry_px::text))
                  FROM trader_positions p WHERE p.trader_id = b.trader_id) AS positions
          FROM live_baselines b`);
    const addresses = await this.traders.addresses(rows.map((r) => String(r.id)));
    return rows.flatMap((r) => {
      const address = addresses.get(String(r.id));
      if (address === undefined) return [];
      return [
        {
          traderId: r.id,
          address,
          baselineAt: Number(r.baseline_ms),
          positions: new Map((r.positions ?? []).map((p) => [p.coin, { szi: p.szi, entryPx: p.entry_px }])),
        },
      ];
    });
  }

  /** Non-zero positions, by coin name. */
  async openPositions(traderId: string): Promise<PositionRow[]> {
    return this.db.query(
      `SELECT coin, szi::text AS szi, entry_px::text AS entry_px, updated_at, confirmed_at
         FROM trader_positions
        WHERE trader_id = $1 AND szi <> 0
        ORDER BY coin`,
      [traderId],
    );
  }

  /**
   * What copy trading reads of leaders: whether each is baselined, its non-zero positions and its
   * per-coin leverage (from its last stored full snapshot).
   */
  async leaderStates(traderIds: string[]): Promise<Map<string, LeaderLiveState>> {
    if (traderIds.length === 0) return new Map();
    const rows: Array<{
      id: string;
      baselined: boolean;
      positions: Array<{ coin: string; szi: string }> | null;
      leverage: Array<{ coin: string; value: number }> | null;
    }> = await this.db.query(
      `SELECT t.id,
              EXISTS (SELECT 1 FROM live_baselines b WHERE b.trader_id = t.id) AS baselined,
              (SELECT json_agg(json_build_object('coin', p.coin, 'szi', p.szi::text)) FROM trader_positions p WHERE p.trader_id = t.id AND p.szi <> 0) AS positions,
              (SELECT json_agg(json_build_object('coin', ap->'position'->>'coin', 'value', (ap->'position'->'leverage'->>'value')::int))
                 FROM (SELECT state_data FROM user_state_history h WHERE h.trader_id = t.id ORDER BY captured_at DESC LIMIT 1) s,
                      jsonb_array_elements(CASE WHEN jsonb_typeof(s.state_data->'assetPositions') = 'array' THEN s.state_data->'assetPositions' ELSE '[]'::jsonb END) ap
              ) AS leverage
         FROM unnest($1::bigint[]) AS t(id)`,
      [traderIds],
    );
    return new Map(
      rows.map((r) => [String(r.id), { baselined: r.baselined, positions: r.positions ?? [], leverage: r.leverage ?? [] }]),
    );
  }

  /** The committed stream positions; creates them ('0-0') the first time, so commits can fence on them. */
  async loadCheckpoints(names: string[]): Promise<Record<string, string>> {
    await this.db.query(
      `INSERT INTO stream_checkpoints (name, position, updated_at) SELECT n, '0-0', now() FROM unnest($1::varchar[]) AS n
       ON CONFLICT (name) DO NOTHING`,
      [names],
    );
    const rows: Array<{ name: string; position: string }> = await this.db.query(
      'SELECT name, position FROM stream_checkpoints WHERE name = ANY($1::varchar[])',
      [names],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.position]));
  }

  /**
   * Commits a batch atomically in one statement (positions, baselines, fills, snapshots, events,
   * checkpoints) and returns the new events. Fenced: the checkpoints advance only from where this
   * leader left them, and when another leader has moved them nothing is written (LiveFencedError).
   * The engine writes no `traders` rows, so it never waits on discovery or tracking.
   * Exception to one-repository-per-table-family: the statement also inserts into trader_fills
   * (the leaderboard's), account_value_points (account-history.repository.ts) and trade_events
   * (events/): split, the batch would no longer commit atomically behind one fence.
   */
  async commit(batch: LiveBatch): Promise<TradeEventPayload[]> {
    const rows: Array<{ fenced: boolean } & Partial<TradeEventRow>> = await withDeadlockRetry(() => this.db.query(COMMIT_SQL, commitParams(batch)));
    if (rows[0]?.fenced) throw new LiveFencedError();
    return rows
      .filter((r) => r.id !== null && r.id !== undefined)
      .map((r) => toTradeEventPayload(r as TradeEventRow))
      .sort((a, b) => a.id - b.id);
  }
}

const COMMIT_SQL = `
WITH
cp AS (
  UPDATE stream_checkpoints c SET position = n.position, updated_at = now()
    FROM unnest($1::varchar[], $2::varchar[], $3::varchar[]) AS n(name, expected, position)
   WHERE c.name = n.name AND c.position = n.expected
  RETURNING 1
),
fence AS (SELECT count(*) = cardinality($1::varchar[]) AS ok FROM cp),
pos_in AS (
  SELECT * FROM unnest($4::bigint[], $5::varchar[], $6::numeric[], $7::numeric[], $8::boolean[])
    AS x(trader_id, coin, szi, entry_px, confirmed)
),
pos_del AS (
  DELETE FROM trader_positions tp
   WHERE (SELECT ok FROM fence) AND tp.trader_id = ANY($9::bigint[])
     AND NOT EXISTS (SELECT 1 FROM pos_in k WHERE k.trader_id = tp.trader_id AND k.coin = tp.coin)
  RETURNING 1
),
pos_up AS (
  INSERT INTO trader_positions (trader_id, coin, szi, entry_px, updated_at, confirmed_at, source)
  SELECT trader_id, coin, szi, entry_px, now(), CASE WHEN confirmed THEN now() END, 'stream'
    FROM pos_in WHERE (SELECT ok FROM fence)
  ON CONFLICT (trader_id, coin) DO UPDATE SET
    szi = EXCLUDED.szi, entry_px = EXCLUDED.entry_px,
    updated_at = CASE WHEN trader_positions.szi = EXCLUDED.szi THEN trader_positions.updated_at ELSE now() END,
    confirmed_at = COALESCE(EXCLUDED.confirmed_at, trader_positions.confirmed_at)
  RETURNING 1
),
base AS (
  INSERT INTO live_baselines (trader_id, baseline_at)
  SELECT id, to_timestamp(ms / 1000.0) FROM unnest($10::bigint[], $11::bigint[]) AS b(id, ms) WHERE (SELECT ok FROM fence)
  ON CONFLICT (trader_id) DO UPDATE SET baseline_at = EXCLUDED.baseline_at
  RETURNING 1
),
fills AS (
  INSERT INTO trader_fills (trader_id, coin, tid, time, side, px, sz, start_position, dir, closed_pnl, source)
  SELECT trader_id, coin, tid, to_timestamp(ms / 1000.0), side, px, sz, start_position, dir, closed_pnl, 'stream'
    FROM unnest($12::bigint[], $13::varchar[], $14::bigint[], $15::bigint[], $16::char[], $17::numeric[], $18::numeric[],
                $19::numeric[], $20::varchar[], $21::numeric[])
      AS f(trader_id, coin, tid, ms, side, px, sz, start_position, dir, closed_pnl)
   WHERE (SELECT ok FROM fence)
  ON CONFLICT (trader_id, coin, tid, time) DO NOTHING
  RETURNING 1
),
snaps AS (
  SELECT * FROM unnest($22::bigint[], $23::bigint[], $24::numeric[], $25::numeric[], $26::boolean[], $27::jsonb[], $28::jsonb[])
    AS s(id, ms, av, ntl, keep, pos, raw)
),
points AS (
  INSERT INTO account_value_points (trader_id, time, account_value, total_ntl_pos)
  SELECT id, to_timestamp(ms / 1000.0), av, ntl FROM snaps WHERE (SELECT ok FROM fence)
  ON CONFLICT DO NOTHING
  RETURNING 1
),
history AS (
  INSERT INTO user_state_history (trader_id, captured_at, account_value, total_ntl_pos, positions, state_data)
  SELECT id, to_timestamp(ms / 1000.0), av, ntl, pos, raw FROM snaps WHERE keep AND (SELECT ok FROM fence)
  RETURNING 1
),
ev AS (
  INSERT INTO trade_events (trader_id, trader_address, coin, event_type, source, timestamp, details, dedupe_key, created_at)
  SELECT trader_id, address, details->>'coin', event_type, source, to_timestamp(ms / 1000.0), details, dedupe_key, clock_timestamp()
    FROM unnest($29::bigint[], $30::varchar[], $31::varchar[], $32::varchar[], $33::bigint[], $34::jsonb[], $35::varchar[])
      WITH ORDINALITY AS e(trader_id, address, event_type, source, ms, details, dedupe_key, ord)
   WHERE (SELECT ok FROM fence)
   ORDER BY ord
  ON CONFLICT (dedupe_key, timestamp) DO NOTHING
  RETURNING id, trader_id, trader_address, timestamp, event_type, details
)
-- (data-modifying CTEs run to completion whether or not the outer query reads them)
SELECT NOT f.ok AS fenced, ev.* FROM fence f LEFT JOIN ev ON true`;

function commitParams(batch: LiveBatch): unknown[] {
  const names = Object.keys(batch.checkpoints);
  const p = batch.positions;
  const confirmed = new Set(batch.baselines.map((b) => b.traderId));
  const fills = batch.fills;
  const snaps = batch.snapshots;
  const events = batch.events;
  return [
    names,
    names.map((n) => batch.expected[n] ?? '0-0'),
    names.map((n) => batch.checkpoints[n]),
    p.map((x) => x.traderId),
    p.map((x) => x.coin),
    p.map((x) => x.szi),
    p.map((x) => x.entryPx),
    p.map((x) => confirmed.has(x.traderId)),
    batch.touchedTraderIds,
    batch.baselines.map((b) => b.traderId),
    batch.baselines.map((b) => String(b.time)),
    fills.map((f) => f.traderId),
    fills.map((f) => f.coin),
    fills.map((f) => String(f.tid)),
    fills.map((f) => String(f.time)),
    fills.map((f) => f.side),
    fills.map((f) => f.px),
    fills.map((f) => f.sz),
    fills.map((f) => f.startPosition),
    fills.map((f) => f.dir),
    fills.map((f) => f.closedPnl),
    snaps.map((s) => s.traderId),
    snaps.map((s) => String(s.time)),
    snaps.map((s) => s.accountValue),
    snaps.map((s) => s.totalNtlPos),
    snaps.map((s) => s.keepHistory),
    snaps.map((s) => JSON.stringify(s.positions)),
    snaps.map((s) => JSON.stringify(s.raw)),
    events.map((e) => e.traderId),
    events.map((e) => e.address),
    events.map((e) => e.change.event_type),
    events.map((e) => e.source),
    events.map((e) => String(e.time)),
    events.map((e) => {
      const { event_type: _type, ...details } = e.change;
      return JSON.stringify({ ...details, source: e.source });
    }),
    events.map((e) => e.dedupeKey),
  ];
}
