export { startSimulator } from './simulator';
export { HLP_ADDRESS } from './state';
export { DEFAULT_COINS } from './coins';
export { Market, type MarketOptions } from './market';
export { FlowGenerator } from './flow-generator';
export { Rng } from './rng';
export { requestWeight, RollingWindow, WeightLimiter } from './weights';
export * from './types';
