/**
 * The parts of @nktkas/hyperliquid the app uses. The SDK's subpath exports (`/api/exchange`,
 * `/signing`) are invisible to TypeScript's `node10` resolution (this project compiles to
 * CommonJS), so they are required at run time and typed from the files they resolve to.
 */
export { ExchangeClient, HttpRequestError, HttpTransport, TransportError, ValidationError } from '@nktkas/hyperliquid';

/* eslint-disable @typescript-eslint/no-require-imports */
export const exchangeApi = require('@nktkas/hyperliquid/api/exchange') as typeof import('@nktkas/hyperliquid/script/api/exchange/mod');
