import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { recoverTypedDataAddress, serializeSignature } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
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

describe('HyperliquidExchangeClient network', () => {
  const signing = require('@nktkas/hyperliquid/signing') as typeof import('@nktkas/hyperliquid/script/signing/mod');
  const budget = { reserve: async () => ({ settle: async () => undefined }), report429: async () => undefined, reportSuccess: async () => undefined };
  const directory = { meta: async () => ({ items: [{ name: 'ETH', assetId: 1, szDecimals: 4, maxLeverage: 50 }] }) };

  /** The signer an exchange on `source` ("a" mainnet, "b" testnet) recovers from what the client sent. */
  async function signerOf(isTestnet: boolean, source: 'a' | 'b'): Promise<{ recovered: string; agent: string }> {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok', response: { type: 'default' } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new HyperliquidExchangeClient(budget, directory, { apiUrl: `http://127.0.0.1:${port}`, isTestnet });
      const key = generatePrivateKey();
      expect(await client.updateLeverage(client.signer(key), ('0x' + '1'.repeat(40)) as `0x${string}`, 'ETH', 3, true)).toEqual({ kind: 'ok' });
      const sent = JSON.parse(bodies[0]) as { action: Record<string, unknown>; nonce: number; signature: { r: `0x${string}`; s: `0x${string}`; v: number } };
      const connectionId = signing.createL1ActionHash({ action: sent.action, nonce: sent.nonce });
      const recovered = await recoverTypedDataAddress({
        domain: { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: '0x0000000000000000000000000000000000000000' },
        types: { Agent: [{ name: 'source', type: 'string' }, { name: 'connectionId', type: 'bytes32' }] },
        primaryType: 'Agent',
        message: { source, connectionId },
        signature: serializeSignature({ r: sent.signature.r, s: sent.signature.s, v: BigInt(sent.signature.v) }),
      });
      return { recovered: recovered.toLowerCase(), agent: privateKeyToAccount(key).address.toLowerCase() };
    } finally {
      server.close();
    }
  }

  it('signs for the testnet (source "b") when HYPERLIQUID_NETWORK is testnet, for the mainnet otherwise', async () => {
    const testnet = await signerOf(true, 'b');
    expect(testnet.recovered).toBe(testnet.agent);
    const mainnet = await signerOf(false, 'a');
    expect(mainnet.recovered).toBe(mainnet.agent);
    // A testnet signature does not recover the agent on the mainnet.
    const crossed = await signerOf(true, 'a');
    expect(crossed.recovered).not.toBe(crossed.agent);
  });
});
