import { spawnSync } from 'child_process';
import { join } from 'path';
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

  it('keeps no process alive once idle (a process whose last handle it was exits after signing)', () => {
    const script = `
      const { SigningThread } = require(${JSON.stringify(join(__dirname, 'signing-thread'))});
      const { generatePrivateKey, privateKeyToAccount } = require('viem/accounts');
      const key = generatePrivateKey();
      const thread = new SigningThread();
      thread.wallet(key, privateKeyToAccount(key)).wallet.signTypedData(${JSON.stringify(typedData)})
        .then((sig) => console.log(thread.counts.thread === 1 && sig.length === 132 ? 'signed-on-thread' : 'wrong'));`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.error).toBeUndefined(); // a timeout: the thread held the process
    expect(run.stdout.trim()).toBe('signed-on-thread'); // it did not exit before the signature either
    expect(run.status).toBe(0);
  });
});
