import { recoverTypedDataAddress } from 'viem';
import { sdkSigning } from './exchange-sdk';

/**
 * Who signed an `/exchange` request. The exchange never checks a signature against a claimed
 * address: it recovers the signer from the EIP-712 digest of what it parsed, so a wrong action,
 * nonce, vault or network recovers some other (unknown) address.
 */

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const;

export interface WireSignature {
  r: `0x${string}`;
  s: `0x${string}`;
  v: number;
}

function serialized(sig: WireSignature): `0x${string}` {
  const r = sig.r.slice(2).padStart(64, '0');
  const s = sig.s.slice(2).padStart(64, '0');
  return `0x${r}${s}${sig.v.toString(16).padStart(2, '0')}`;
}

/** The signer of an L1 action (order, cancel, updateLeverage…): EIP-712 `Agent{source, connectionId}`. */
export async function recoverL1Signer(args: {
  action: Record<string, unknown>;
  nonce: number;
  vaultAddress?: `0x${string}`;
  expiresAfter?: number;
  signature: WireSignature;
  isTestnet?: boolean;
}): Promise<string> {
  const connectionId = sdkSigning.createL1ActionHash({
    action: args.action,
    nonce: args.nonce,
    vaultAddress: args.vaultAddress,
    expiresAfter: args.expiresAfter,
  });
  const address = await recoverTypedDataAddress({
    domain: { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO_ADDRESS },
    types: { Agent: [{ name: 'source', type: 'string' }, { name: 'connectionId', type: 'bytes32' }] },
    primaryType: 'Agent',
    message: { source: args.isTestnet ? 'b' : 'a', connectionId },
    signature: serialized(args.signature),
  });
  return address.toLowerCase();
}

/**
 * The signer of a user-signed action (approveAgent, transfers): EIP-712 over the action's fields
 * named in `types`, domain `HyperliquidSignTransaction` on the action's `signatureChainId`.
 */
export async function recoverUserSignedSigner(args: {
  action: Record<string, unknown> & { signatureChainId: string };
  types: Record<string, Array<{ name: string; type: string }>>;
  signature: WireSignature;
}): Promise<string> {
  const primaryType = Object.keys(args.types)[0];
  const fields = args.types[primaryType];
  const message = Object.fromEntries(fields.map((f) => [f.name, args.action[f.name]]));
  const address = await recoverTypedDataAddress({
    domain: {
      name: 'HyperliquidSignTransaction',
      version: '1',
      chainId: parseInt(args.action.signatureChainId, 16),
      verifyingContract: ZERO_ADDRESS,
    },
    types: args.types,
    primaryType,
    message,
    signature: serialized(args.signature),
  });
  return address.toLowerCase();
}
