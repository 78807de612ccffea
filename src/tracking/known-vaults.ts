/**
 * Vaults known without asking the exchange: HLP (the exchange's liquidity-provider vault, a party
 * to a large share of all trades) and its sub-vaults (HLP's `vaultDetails` lists them as
 * `relationship.data.childAddresses`). The migration that creates `address_roles` seeds these
 * rows; this list is the same data for code and tests.
 */
export const HLP_VAULT = '0xdfc24b077bc1425ad1dea75bcb6f8158e10df303';

export const KNOWN_VAULTS: readonly string[] = [
  HLP_VAULT,
  '0x010461c14e146ac35fe42271bdc1134ee31c703a',
  '0x2e3d94f0562703b25c83308a05046ddaf9a8dd14',
  '0x31ca8395cf837de08b24da3f660e77761dfb974b',
];
