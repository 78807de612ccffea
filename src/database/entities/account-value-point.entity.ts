import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A lean account-value series (one point per snapshot), for drawdown, risk and history. */
@Entity({ name: 'account_value_points' })
export class AccountValuePointEntity {
  @PrimaryColumn({ name: 'trader_id', type: 'bigint' })
  traderId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  time!: Date;

  @Column({ name: 'account_value', type: 'numeric' })
  accountValue!: string;

  @Column({ name: 'total_ntl_pos', type: 'numeric' })
  totalNtlPos!: string;
}
