import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SigningThread } from './signing-thread';

const typedData = {
  domain: { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: '0x0000000000000000000000000000000000000000' },
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Agent: [{ name: 'source', type: 'string' }, { name: 'connectionId', type: 'bytes32' }],
  },
  primaryType: 'Agent',
  message: { source: 'a', connectionId: `0x${'ab'.repeat(32)}` },
} as const;

describe('SigningThread', () => {
  it('signs on the thread what the account would sign here, for many signers at once', async () => {
    const thread = new SigningThread();
    const keys = Array.from({ length: 20 }, () => generatePrivateKey());
    const sigs = await Promise.all(keys.map((k) => thread.wallet(k, privateKeyToAccount(k)).wallet.signTypedData(typedData as never)));
    const local = await Promise.all(keys.map((k) => privateKeyToAccount(k).signTypedData(typedData as never)));
    expect(sigs).toEqual(local);
    expect(thread.counts).toEqual({ thread: 20, local: 0 });
  });

  it('forgets a released key: its wallet signs here from then on', async () => {
    const thread = new SigningThread();
    const key = generatePrivateKey();
    const signer = thread.wallet(key, privateKeyToAccount(key));
    await signer.wallet.signTypedData(typedData as never);
    signer.release();
    expect(await signer.wallet.signTypedData(typedData as never)).toBe(await privateKeyToAccount(key).signTypedData(typedData as never));
    expect(thread.counts).toEqual({ thread: 1, local: 1 });
  });
});
