import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A clearinghouseState snapshot, stored only when the positions changed. */
@Entity({ name: 'user_state_history' })
export class UserStateSnapshotEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'trader_id', type: 'bigint' })
  traderId!: string;

  @Column({ name: 'captured_at', type: 'timestamptz' })
  capturedAt!: Date;

  @Column({ name: 'account_value', type: 'numeric' })
  accountValue!: string;

  @Column({ name: 'total_ntl_pos', type: 'numeric' })
  totalNtlPos!: string;

  /** Parsed positions: [{coin, szi, entry_px, …}]. */
  @Column({ type: 'jsonb' })
  positions!: unknown[];

  /** The exchange's answer as received. */
  @Column({ name: 'state_data', type: 'jsonb' })
  stateData!: unknown;
}
