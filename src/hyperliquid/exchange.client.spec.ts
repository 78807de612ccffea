import { ExchangeRequestError, HyperliquidExchangeClient } from './exchange.client';

describe('HyperliquidExchangeClient key handling', () => {
  it('refuses a malformed key before reserving weight, without echoing it', async () => {
    const reserved: number[] = [];
    const budget = {
      reserve: async (w: number) => {
        reserved.push(w);
        return { settle: async () => undefined };
      },
      report429: async () => undefined,
      reportSuccess: async () => undefined,
    };
    const directory = { meta: async () => ({ items: [{ name: 'ETH', assetId: 1, szDecimals: 4, maxLeverage: 50 }] }) };
    const client = new HyperliquidExchangeClient(budget, directory, { apiUrl: 'http://127.0.0.1:9' });
    const secret = '0xdeadbeefcafe';
    const err = await client.updateLeverage(secret, '0x' + '1'.repeat(40) as `0x${string}`, 'ETH', 3, true).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ExchangeRequestError);
    expect(String((err as Error).message)).not.toContain('deadbeef');
    expect(reserved).toEqual([]);
  });
});
