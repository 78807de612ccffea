import { ExchangeState, EXHAUSTED_INTERVAL_MS, NONCE_FUTURE_MS, NONCE_PAST_MS, NONCES_KEPT } from './exchange-state';

describe('ExchangeState', () => {
  const now = 1_800_000_000_000;

  it('nonces: new, within the time window, above the smallest of the 100 kept', () => {
    const s = new ExchangeState();
    expect(s.useNonce('a', now, now)).toBeUndefined();
    expect(s.useNonce('a', now, now)).toBe(`Invalid nonce: duplicate nonce ${now}`);
    expect(s.useNonce('b', now, now)).toBeUndefined(); // per signer
    expect(s.useNonce('a', now - 5, now)).toBeUndefined(); // out of order is fine while fewer than 100 are kept
    expect(s.useNonce('a', now - NONCE_PAST_MS, now)).toMatch(/^Invalid nonce: .*too far/);
    expect(s.useNonce('a', now + NONCE_FUTURE_MS, now)).toMatch(/^Invalid nonce: .*too far/);
    for (let i = 1; i <= NONCES_KEPT; i++) expect(s.useNonce('c', now + i, now)).toBeUndefined();
    expect(s.useNonce('c', now, now)).toMatch(/^Invalid nonce: .*lower than the smallest/);
    expect(s.useNonce('c', now + 1, now)).toMatch(/^Invalid nonce/); // still kept: duplicate
    expect(s.useNonce('c', now + 1000, now)).toBeUndefined();
    expect(s.useNonce('c', now + 1, now)).toMatch(/lower than the smallest/); // pushed out
  });

  it('agents: one unnamed and one per name per master; expiry', () => {
    const s = new ExchangeState();
    s.approve('m', 'x1', '', now + 10);
    s.approve('m', 'x2', '', now + 10); // replaces x1
    s.approve('m', 'x3', 'bot', now + 10);
    expect(s.agentMaster('x1', now)).toBeUndefined();
    expect(s.agentMaster('x2', now)).toBe('m');
    expect(s.agentMaster('x3', now + 10)).toBeUndefined(); // expired
    expect(s.namedAgents('m', now).map((a) => a.address)).toEqual(['x3']);
    expect(s.namedAgents('m', now + 10)).toEqual([]);
  });

  it('per-address allowance: counted per order, one request per 10 s once used up', () => {
    const s = new ExchangeState();
    expect(s.chargeAddress('m', 3, 5, now)).toBe(true);
    expect(s.chargeAddress('m', 2, 5, now)).toBe(true);
    expect(s.requestsUsed('m')).toBe(5);
    expect(s.chargeAddress('m', 1, 5, now)).toBe(true); // the first one past the cap
    expect(s.chargeAddress('m', 1, 5, now + 1)).toBe(false);
    expect(s.chargeAddress('m', 1, 5, now + EXHAUSTED_INTERVAL_MS)).toBe(true);
  });
});
