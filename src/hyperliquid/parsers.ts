/** Every parser of the exchange's shapes, in one import. */
export * from './parse-primitives';
export * from './account-parsers';
export * from './fill-parsers';
export * from './market-parsers';
export * from './ws-frame-parser';
export * from './trade-validation';
export * from './coins';
