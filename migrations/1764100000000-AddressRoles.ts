import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `address_roles`: every `userRole` answer, kept for good (an address's role does not change, so
 * it is never asked twice), including addresses not in `traders` yet; seeded with the known
 * vaults (HLP and its sub-vaults, src/tracking/known-vaults.ts) and the answers already stored
 * in `traders`. Tracking copies a role onto a trader row when the trader appears.
 */
export class AddressRoles1764100000000 implements MigrationInterface {
  name = 'AddressRoles1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE address_roles (
        address varchar(42) PRIMARY KEY,
        role varchar(16) NOT NULL,
        source varchar(8) NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO address_roles (address, role, source) VALUES
        ('0xdfc24b077bc1425ad1dea75bcb6f8158e10df303', 'vault', 'seed'),
        ('0x010461c14e146ac35fe42271bdc1134ee31c703a', 'vault', 'seed'),
        ('0x2e3d94f0562703b25c83308a05046ddaf9a8dd14', 'vault', 'seed'),
        ('0x31ca8395cf837de08b24da3f660e77761dfb974b', 'vault', 'seed')`);
    await q.query(`
      INSERT INTO address_roles (address, role, source, checked_at)
      SELECT address, role, 'lookup', role_checked_at FROM traders
       WHERE role_checked_at IS NOT NULL AND role IS NOT NULL
      ON CONFLICT (address) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE address_roles`);
  }
}
