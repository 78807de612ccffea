import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'traders' })
export class TraderEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** 0x + 40 hex, always lower-case (a CHECK constraint enforces it). */
  @Column({ type: 'varchar', length: 42, unique: true })
  address!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_trading_at', type: 'timestamptz', nullable: true })
  lastSeenTradingAt!: Date | null;

  @Column({ name: 'last_tracked_at', type: 'timestamptz', nullable: true })
  lastTrackedAt!: Date | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ name: 'is_vault', type: 'boolean', default: false })
  isVault!: boolean;

  /** The exchange's `userRole` answer (user, vault, subAccount, agent, missing) once looked up. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  role!: string | null;

  @Column({ name: 'role_checked_at', type: 'timestamptz', nullable: true })
  roleCheckedAt!: Date | null;

  @Column({ name: 'account_value', type: 'numeric', nullable: true })
  accountValue!: string | null;

  @Column({ name: 'trades_seen', type: 'bigint', default: 0 })
  tradesSeen!: string;
}
