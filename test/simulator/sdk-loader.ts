import { dirname, join } from 'node:path';
import type * as Sdk from '@nktkas/hyperliquid';

/**
 * Loads the SDK's CommonJS build (script/) file by file. Plain Node can `require('@nktkas/hyperliquid')`
 * (Node ≥ 20.19 loads its ESM-only @noble/hashes dependency), but Jest's module runtime cannot
 * require ESM, and the package root pulls in the signing code that needs it. The info / subscription
 * clients and the transports do not, so they are loaded directly: same code, no signing.
 */
const infoMod = require.resolve('@nktkas/hyperliquid/api/info'); // …/script/api/info/mod.js
const script = dirname(dirname(dirname(infoMod)));

export const { InfoClient } = require(join(script, 'api/info/client.js')) as Pick<typeof Sdk, 'InfoClient'>;
export const { SubscriptionClient } = require(join(script, 'api/subscription/client.js')) as Pick<typeof Sdk, 'SubscriptionClient'>;
export const { HttpTransport, WebSocketTransport } = require(join(script, 'transport/mod.js')) as Pick<
  typeof Sdk,
  'HttpTransport' | 'WebSocketTransport'
>;
