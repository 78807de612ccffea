import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { SimulatorHandle } from '../../src/simulator';

type Hex = `0x${string}`;

export interface LiveAccount {
  ownerKey: Hex;
  master: Hex;
  agentKey: Hex;
  agent: Hex;
}

/** A funded account (10,000 USDC at the simulator) whose owner approved an agent with a signed approveAgent. */
export async function approvedAccount(sim: SimulatorHandle, approve = true): Promise<LiveAccount> {
  const ownerKey = generatePrivateKey();
  const master = privateKeyToAccount(ownerKey).address.toLowerCase() as Hex;
  const agentKey = generatePrivateKey();
  const agent = privateKeyToAccount(agentKey).address.toLowerCase() as Hex;
  sim.control.setPosition({ user: master, coin: 'ETH', szi: '0' });
  if (approve) {
    const owner = new ExchangeClient({ transport: new HttpTransport({ apiUrl: sim.httpUrl }), wallet: privateKeyToAccount(ownerKey) });
    await owner.approveAgent({ agentAddress: agent, agentName: 'copy' });
  }
  return { ownerKey, master, agentKey, agent };
}

/** The account's positions at the simulator (its clearinghouseState, as the exchange answers it). */
export async function simPositions(sim: SimulatorHandle, user: string): Promise<Record<string, number>> {
  const res = await fetch(sim.infoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'clearinghouseState', user }) });
  const body = (await res.json()) as { assetPositions: Array<{ position: { coin: string; szi: string } }> };
  return Object.fromEntries(body.assetPositions.map((p) => [p.position.coin, Number(p.position.szi)]));
}

export function duplicateCloids(sim: SimulatorHandle, user: string): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const o of sim.control.exchangeOrders(user)) {
    if (!o.cloid) continue;
    if (seen.has(o.cloid)) dup.push(o.cloid);
    seen.add(o.cloid);
  }
  return dup;
}
