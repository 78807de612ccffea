/**
 * The exchange's request schemas and L1 action hashing, taken from @nktkas/hyperliquid (its
 * subpath exports are not visible to TypeScript's node10 resolution, hence the typed require).
 * The simulator parses every `/exchange` body with the SDK's own request schema, so the action it
 * hashes is the canonical one (key order, lower-case hex, decimals without trailing zeros).
 */
export { parse as parseWithSchema, ValidationError } from '@nktkas/hyperliquid';

/* eslint-disable @typescript-eslint/no-require-imports */
export const sdkExchange = require('@nktkas/hyperliquid/api/exchange') as typeof import('@nktkas/hyperliquid/script/api/exchange/mod');
export const sdkSigning = require('@nktkas/hyperliquid/signing') as typeof import('@nktkas/hyperliquid/script/signing/mod');
