import type { FollowSettings } from './sizing';

/** Test settings: the given sizing with every cap, filter and reverse off (specs override what they test). */
export function uncappedSettings(over: Partial<FollowSettings> = {}): FollowSettings {
  return {
    sizing: 'proportional',
    multiplier: 1,
    ratio: null,
    notionalUsd: null,
    maxLeverage: null,
    maxPositionUsd: null,
    maxTotalUsd: null,
    coinsAllow: null,
    coinsDeny: null,
    sides: 'both',
    reverse: false,
    ...over,
  };
}
