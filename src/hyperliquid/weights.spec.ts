import { readFileSync } from 'fs';
import { join } from 'path';
import { HEAVIEST_REQUEST_WEIGHT } from '../rate-budget/lost-window';
import { actualWeight, extraWeightForItems, InfoRequestBody, infoRequestWeight, maxWeight } from './weights';

const INFO_WEIGHTS_PROBE = { meta: 1, userFills: 1, userFillsByTime: 1, userFunding: 1, portfolio: 1, userRole: 1, clearinghouseState: 1 };

const request = (name: string): InfoRequestBody =>
  JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/info', `${name}.request.json`), 'utf8'));

describe('info request weights', () => {
  it.each([
    ['clearinghouseState', 2],
    ['allMids', 2],
    ['meta', 20],
    ['userFills', 20],
    ['portfolio', 20],
    ['userFunding', 20],
    ['userRole', 60],
  ])('weighs the recorded %s request at %i', (name, weight) => {
    expect(infoRequestWeight(request(name))).toBe(weight);
  });

  it('weighs the other documented types and defaults to 20', () => {
    expect(infoRequestWeight({ type: 'metaAndAssetCtxs' })).toBe(20);
    expect(infoRequestWeight({ type: 'userFillsByTime', user: '0x', startTime: 0 })).toBe(20);
    expect(infoRequestWeight({ type: 'somethingNew' })).toBe(20);
  });

  it('assumes 2 per user for batchClearinghouseStates', () => {
    expect(infoRequestWeight({ type: 'batchClearinghouseStates', users: ['a', 'b', 'c'] })).toBe(6);
    expect(infoRequestWeight({ type: 'batchClearinghouseStates', users: [] })).toBe(2);
    expect(infoRequestWeight({ type: 'batchClearinghouseStates' })).toBe(2);
  });

  it('adds one per 20 items for fills and funding only', () => {
    expect(extraWeightForItems('userFills', 0)).toBe(0);
    expect(extraWeightForItems('userFills', 19)).toBe(0);
    expect(extraWeightForItems('userFills', 20)).toBe(1);
    expect(extraWeightForItems('userFillsByTime', 500)).toBe(25);
    expect(extraWeightForItems('userFunding', 2000)).toBe(100);
    expect(extraWeightForItems('portfolio', 2000)).toBe(0);
    expect(extraWeightForItems('userFills', -5)).toBe(0);
    expect(extraWeightForItems('userFills', Number.NaN)).toBe(0);
  });

  it('computes the actual and worst-case weight', () => {
    const fills = request('userFills');
    expect(actualWeight(fills, 500)).toBe(45);
    expect(maxWeight(fills)).toBe(120);
    expect(maxWeight({ type: 'userFillsByTime' })).toBe(120);
    // The budget's burst is never below the heaviest request, so every request can be granted.
    expect(HEAVIEST_REQUEST_WEIGHT).toBe(Math.max(...Object.keys(INFO_WEIGHTS_PROBE).map((t) => maxWeight({ type: t }))));
    expect(maxWeight(request('clearinghouseState'))).toBe(2);
    expect(maxWeight(request('userRole'))).toBe(60);
  });
});
