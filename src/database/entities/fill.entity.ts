import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The public trades ledger: one row per trade of the exchange's stream, unique on (coin, tid, time):
 * partitioned by day on time (see migration PartitionedLedger). */
@Entity({ name: 'fills' })
export class FillEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  coin!: string;

  @PrimaryColumn({ type: 'bigint' })
  tid!: string;

  @Column({ type: 'varchar', length: 42 })
  buyer!: string;

  @Column({ type: 'varchar', length: 42 })
  seller!: string;

  @Column({ type: 'numeric' })
  px!: string;

  @Column({ type: 'numeric' })
  sz!: string;

  /** Taker side: B (buyer aggressed) or A (seller aggressed). */
  @Column({ type: 'char', length: 1 })
  side!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'varchar', length: 66 })
  hash!: string;
}
