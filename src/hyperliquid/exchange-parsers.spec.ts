import { exchangeRequestWeight } from './exchange.client';
import { agentMasterOf, parseExtraAgents, parseOrderStatus, parseUserRateLimit } from './exchange-parsers';
import { HyperliquidParseError } from './parse-primitives';

const order = {
  coin: 'ETH', side: 'B', limitPx: '1900.5', sz: '0.0', oid: 42, timestamp: 1, origSz: '0.5', triggerCondition: 'N/A',
  isTrigger: false, triggerPx: '0.0', children: [], isPositionTpsl: false, reduceOnly: false, orderType: 'Limit', tif: 'Ioc',
  cloid: '0xAB000000000000000000000000000001',
};

describe('exchange info parsers', () => {
  it('reads orderStatus, known and unknown', () => {
    expect(parseOrderStatus({ status: 'unknownOid' })).toEqual({ known: false });
    expect(parseOrderStatus({ status: 'order', order: { order, status: 'filled', statusTimestamp: 7 } })).toEqual({
      known: true, status: 'filled', statusTimestamp: 7, oid: 42, cloid: '0xab000000000000000000000000000001', coin: 'ETH',
      side: 'B', limitPx: '1900.5', sz: '0.0', origSz: '0.5', reduceOnly: false, tif: 'Ioc',
    });
    expect(parseOrderStatus({ status: 'order', order: { order: { ...order, cloid: null }, status: 'open', statusTimestamp: 7 } })).toMatchObject({ cloid: null });
    expect(() => parseOrderStatus({ status: 'weird' })).toThrow(HyperliquidParseError);
    expect(() => parseOrderStatus({ status: 'order', order: { order: { ...order, oid: 'x' }, status: 'open', statusTimestamp: 1 } })).toThrow(/oid/);
  });

  it('reads extraAgents and userRateLimit', () => {
    const a = '0x' + 'Ab'.repeat(20);
    expect(parseExtraAgents([{ name: 'copy', address: a, validUntil: 5 }])).toEqual([{ name: 'copy', address: a.toLowerCase(), validUntil: 5 }]);
    expect(() => parseExtraAgents({})).toThrow(HyperliquidParseError);
    expect(parseUserRateLimit({ cumVlm: '123.5', nRequestsUsed: 3, nRequestsCap: 10123, nRequestsSurplus: 0 })).toEqual({
      cumVlm: '123.5', nRequestsUsed: 3, nRequestsCap: 10123, nRequestsSurplus: 0,
    });
    expect(parseUserRateLimit({ cumVlm: '0.0', nRequestsUsed: 0, nRequestsCap: 10000 }).nRequestsSurplus).toBe(0);
  });

  it('tells an agent’s master', () => {
    const m = '0x' + '11'.repeat(20);
    expect(agentMasterOf({ role: 'agent', linkedUser: m })).toBe(m);
    expect(agentMasterOf({ role: 'user', linkedUser: null })).toBeNull();
  });

  it('weighs exchange requests 1 + floor(batch / 40)', () => {
    expect(exchangeRequestWeight(1)).toBe(1);
    expect(exchangeRequestWeight(39)).toBe(1);
    expect(exchangeRequestWeight(40)).toBe(2);
    expect(exchangeRequestWeight(81)).toBe(3);
  });
});
