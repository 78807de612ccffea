import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { OrderRecord, OrderSpec, OrderStatus, updatedRows } from './copy.records';

/** A copy_orders row (the columns named as the record's fields are typed by it). */
interface OrderRow extends Pick<OrderRecord, 'cloid' | 'leader' | 'coin' | 'side' | 'kind' | 'size' | 'status' | 'error' | 'trigger'> {
  id: string;
  follower_id: string;
  limit_price: string | null;
  reduce_only: boolean;
  filled_size: string;
  avg_price: string | null;
  fee_usd: string;
  oid: string | null;
  trigger_event_id: string | null;
  trigger_time: Date | null;
  leader_price: string | null;
  created_at: Date;
  sent_at: Date | null;
  acked_at: Date | null;
  filled_at: Date | null;
}

function toRecord(r: OrderRow): OrderRecord {
  return {
    id: String(r.id),
    followerId: String(r.follower_id),
    cloid: r.cloid,
    leader: r.leader,
    coin: r.coin,
    side: r.side,
    kind: r.kind,
    size: r.size,
    limitPrice: r.limit_price,
    reduceOnly: r.reduce_only,
    status: r.status,
    filledSize: r.filled_size,
    avgPrice: r.avg_price,
    feeUsd: r.fee_usd,
    oid: r.oid === null ? null : String(r.oid),
    error: r.error,
    trigger: r.trigger,
    triggerEventId: r.trigger_event_id === null ? null : String(r.trigger_event_id),
    triggerTime: r.trigger_time,
    leaderPrice: r.leader_price,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    ackedAt: r.acked_at,
    filledAt: r.filled_at,
  };
}

/** A numeric as Postgres prints it back: exponent notation (`1e-7`, from String(number)) written out. */
function plainNumeric(v: string | null): string | null {
  return v !== null && /e/i.test(v) ? new Decimal(v).toFixed() : v;
}

export interface NewOrder extends OrderSpec {
  /**
   * `pending` (about to be sent), `skipped` (a decision not to send, journaled with its reason), or
   * `filled` for a paper order (filled in-process: nothing is sent anywhere).
   */
  status: 'pending' | 'skipped' | 'filled';
  fill?: { size: string; avgPrice: string; feeUsd: string; at: Date };
}

export interface OrderOutcome {
  status: OrderStatus;
  filledSize?: string;
  avgPrice?: string | null;
  feeUsd?: string;
  oid?: string | null;
  error?: string | null;
  acked?: boolean;
  /** When it was handed to the exchange (or the paper book). */
  sentAt?: Date;
}

export interface LatencyRow {
  trade_to_order_ms: number | null;
  order_to_fill_ms: number | null;
  trade_to_fill_ms: number | null;
}

/** copy_orders: the journal. A row is written (pending, with its cloid) before its order is sent. */
@Injectable()
export class CopyOrdersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Writes the rows in one statement (committed when it returns). Only ids and creation times come
   * back: the records are completed from what was written (a thousand rows parsed back would cost
   * more than the insert).
   */
  async insert(orders: NewOrder[]): Promise<OrderRecord[]> {
    if (orders.length === 0) return [];
    const cols = ['follower_id', 'cloid', 'leader', 'coin', 'side', 'kind', 'size', 'limit_price', 'reduce_only', 'status', 'error', 'trigger', 'trigger_event_id', 'trigger_time', 'leader_price',
      'filled_size', 'avg_price', 'fee_usd', 'sent_at', 'acked_at', 'filled_at'] as const;
    const rows: Array<{ id: string; cloid: string; created_at: Date }> = await this.db.query(
      `INSERT INTO copy_orders (${cols.join(', ')})
       SELECT * FROM unnest($1::bigint[], $2::char(34)[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::numeric[], $8::numeric[],
                            $9::boolean[], $10::varchar[], $11::text[], $12::varchar[], $13::bigint[], $14::timestamptz[], $15::numeric[],
                            $16::numeric[], $17::numeric[], $18::numeric[], $19::timestamptz[], $19::timestamptz[], $19::timestamptz[])
       RETURNING id, cloid, created_at`,
      [
        orders.map((o) => o.followerId),
        orders.map((o) => o.cloid),
        orders.map((o) => o.leader),
        orders.map((o) => o.coin),
        orders.map((o) => o.side),
        orders.map((o) => o.kind),
        orders.map((o) => o.size),
        orders.map((o) => o.limitPrice),
        orders.map((o) => o.reduceOnly),
        orders.map((o) => o.status),
        orders.map((o) => o.error),
        orders.map((o) => o.trigger),
        orders.map((o) => o.triggerEventId),
        orders.map((o) => o.triggerTime),
        orders.map((o) => o.leaderPrice),
        orders.map((o) => o.fill?.size ?? '0'),
        orders.map((o) => o.fill?.avgPrice ?? null),
        orders.map((o) => o.fill?.feeUsd ?? '0'),
        orders.map((o) => o.fill?.at ?? null),
      ],
    );
    const written = new Map(rows.map((r) => [r.cloid, r]));
    return orders.map((o) => {
      const w = written.get(o.cloid)!;
      const at = o.fill?.at ?? null;
      return {
        id: String(w.id),
        followerId: String(o.followerId),
        cloid: o.cloid,
        leader: o.leader,
        coin: o.coin,
        side: o.side,
        kind: o.kind,
        size: plainNumeric(o.size)!,
        limitPrice: plainNumeric(o.limitPrice),
        reduceOnly: o.reduceOnly,
        status: o.status,
        filledSize: plainNumeric(o.fill?.size ?? '0')!,
        avgPrice: plainNumeric(o.fill?.avgPrice ?? null),
        feeUsd: plainNumeric(o.fill?.feeUsd ?? '0')!,
        oid: null,
        error: o.error,
        trigger: o.trigger,
        triggerEventId: o.triggerEventId,
        triggerTime: o.triggerTime,
        leaderPrice: plainNumeric(o.leaderPrice),
        createdAt: w.created_at,
        sentAt: at,
        ackedAt: at,
        filledAt: at,
      };
    });
  }

  async markSent(id: string): Promise<OrderRecord> {
    const rows = updatedRows<OrderRow>(await this.db.query(
      `UPDATE copy_orders SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id],
    ));
    return toRecord(rows[0]);
  }

  async resolve(id: string, o: OrderOutcome): Promise<OrderRecord> {
    const rows = updatedRows<OrderRow>(await this.db.query(
      `UPDATE copy_orders SET status = $2, filled_size = COALESCE($3::numeric, filled_size), avg_price = COALESCE($4::numeric, avg_price),
         fee_usd = COALESCE($5::numeric, fee_usd), oid = COALESCE($6::bigint, oid), error = COALESCE($7, error),
         acked_at = CASE WHEN $8 THEN COALESCE(acked_at, now()) ELSE acked_at END,
         sent_at = COALESCE(sent_at, $9::timestamptz, CASE WHEN $8 THEN now() END),
         filled_at = CASE WHEN $3::numeric > 0 THEN COALESCE(filled_at, now()) ELSE filled_at END
       WHERE id = $1 RETURNING *`,
      [id, o.status, o.filledSize ?? null, o.avgPrice ?? null, o.feeUsd ?? null, o.oid ?? null, o.error ?? null, o.acked ?? true, o.sentAt ?? null],
    ));
    return toRecord(rows[0]);
  }

  /** `resolve` for many rows in one statement (ids distinct); the updated rows, in no particular order. */
  async resolveMany(items: Array<{ id: string; outcome: OrderOutcome }>): Promise<OrderRecord[]> {
    if (items.length === 0) return [];
    const o = items.map((i) => i.outcome);
    const rows = updatedRows<OrderRow>(await this.db.query(
      `UPDATE copy_orders c SET status = v.status, filled_size = COALESCE(v.filled_size, c.filled_size), avg_price = COALESCE(v.avg_price, c.avg_price),
         fee_usd = COALESCE(v.fee_usd, c.fee_usd), oid = COALESCE(v.oid, c.oid), error = COALESCE(v.error, c.error),
         acked_at = CASE WHEN v.acked THEN COALESCE(c.acked_at, now()) ELSE c.acked_at END,
         sent_at = COALESCE(c.sent_at, v.sent_at, CASE WHEN v.acked THEN now() END),
         filled_at = CASE WHEN v.filled_size > 0 THEN COALESCE(c.filled_at, now()) ELSE c.filled_at END
       FROM unnest($1::bigint[], $2::varchar[], $3::numeric[], $4::numeric[], $5::numeric[], $6::bigint[], $7::text[], $8::boolean[], $9::timestamptz[])
            AS v(id, status, filled_size, avg_price, fee_usd, oid, error, acked, sent_at)
       WHERE c.id = v.id RETURNING c.*`,
      [
        items.map((i) => i.id),
        o.map((x) => x.status),
        o.map((x) => x.filledSize ?? null),
        o.map((x) => x.avgPrice ?? null),
        o.map((x) => x.feeUsd ?? null),
        o.map((x) => x.oid ?? null),
        o.map((x) => x.error ?? null),
        o.map((x) => x.acked ?? true),
        o.map((x) => x.sentAt ?? null),
      ],
    ));
    return rows.map(toRecord);
  }

  /** Orders whose outcome is not known yet (pending or sent): resolved before anything new is sent. */
  async unresolved(followerId: string): Promise<OrderRecord[]> {
    const rows: OrderRow[] = await this.db.query(
      `SELECT * FROM copy_orders WHERE follower_id = $1 AND status IN ('pending', 'sent') ORDER BY id`,
      [followerId],
    );
    return rows.map(toRecord);
  }

  async list(followerId: string, limit: number, before: string | null, status: OrderStatus | null): Promise<OrderRecord[]> {
    const rows: OrderRow[] = await this.db.query(
      `SELECT * FROM copy_orders WHERE follower_id = $1 AND ($2::bigint IS NULL OR id < $2) AND ($3::varchar IS NULL OR status = $3)
        ORDER BY id DESC LIMIT $4`,
      [followerId, before, status, limit],
    );
    return rows.map(toRecord);
  }

  /** Filled orders (for slippage and tracking error). */
  async filled(followerId: string, limit: number): Promise<OrderRecord[]> {
    const rows: OrderRow[] = await this.db.query(
      `SELECT * FROM copy_orders WHERE follower_id = $1 AND filled_size > 0 ORDER BY id DESC LIMIT $2`,
      [followerId, limit],
    );
    return rows.map(toRecord);
  }

  /** Per sent order: the leader's trade → our order sent → its fill, in ms. */
  async latencies(followerId: string, limit: number): Promise<LatencyRow[]> {
    return this.db.query(
      `SELECT extract(epoch FROM sent_at - trigger_time) * 1000 AS trade_to_order_ms,
              extract(epoch FROM filled_at - sent_at) * 1000 AS order_to_fill_ms,
              extract(epoch FROM filled_at - trigger_time) * 1000 AS trade_to_fill_ms
         FROM copy_orders WHERE follower_id = $1 AND sent_at IS NOT NULL AND trigger = 'signal' AND trigger_time IS NOT NULL
        ORDER BY id DESC LIMIT $2`,
      [followerId, limit],
    );
  }

  async countsByStatus(followerId: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; n: string }> = await this.db.query(
      `SELECT status, count(*) AS n FROM copy_orders WHERE follower_id = $1 GROUP BY status`,
      [followerId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
