/** Two projects: pure-logic unit tests beside the code, and e2e / real-database tests under test/. */
// isolatedModules in tsconfig.jest.json: transpile only (type checking is `npm run lint`).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];
// @nktkas/hyperliquid's signing code requires the ESM-only @noble/hashes 2, which Jest's runtime
// cannot require (plain Node ≥ 20.19 can): under Jest it gets the CommonJS build of @noble/hashes 1.8
// (viem's), which has the same keccak_256 / bytesToHex / concatBytes / hexToBytes.
const moduleNameMapper = { '^@noble/hashes/(.*)$': '<rootDir>/node_modules/@noble/hashes/$1' };

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
