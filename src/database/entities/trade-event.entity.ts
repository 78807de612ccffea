import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TradeEventType =
  | 'position_opened'
  | 'position_closed'
  | 'position_increased'
  | 'position_decreased'
  | 'position_flipped';

/** A detected position change; also the outbox: published_at is null until Redis has it. Partitioned by day on timestamp. */
@Entity({ name: 'trade_events' })
export class TradeEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'trader_id', type: 'bigint' })
  traderId!: string;

  @Column({ name: 'trader_address', type: 'varchar', length: 42 })
  traderAddress!: string;

  @Column({ type: 'varchar', length: 32 })
  coin!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: TradeEventType;

  /** `stream` (derived from public trades) or `snapshot` (seen in clearinghouseState). */
  @Column({ type: 'varchar', length: 16 })
  source!: 'stream' | 'snapshot';

  @Column({ type: 'timestamptz' })
  timestamp!: Date;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  /**
   * Unique with `timestamp` (the day-partitioned table's key must hold its partition column; a key
   * determines its timestamp): re-detecting or re-publishing the same change is a no-op.
   */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 200 })
  dedupeKey!: string;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
