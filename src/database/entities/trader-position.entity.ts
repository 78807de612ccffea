import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A trader's current position in one coin (from the latest snapshot, advanced by the stream). */
@Entity({ name: 'trader_positions' })
export class TraderPositionEntity {
  @PrimaryColumn({ name: 'trader_id', type: 'bigint' })
  traderId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  coin!: string;

  @Column({ type: 'numeric' })
  szi!: string;

  @Column({ name: 'entry_px', type: 'numeric', nullable: true })
  entryPx!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** When a clearinghouseState snapshot last agreed with this position. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;
}
