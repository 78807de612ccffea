import { Worker } from 'worker_threads';
import type { privateKeyToAccount } from 'viem/accounts';
import type { Hex } from './exchange.types';

type LocalAccount = ReturnType<typeof privateKeyToAccount>;
type TypedData = Parameters<LocalAccount['signTypedData']>[0];

/** The thread's code: viem local accounts by id; signs typed data for one of them. Nothing is logged. */
const source = (accountsModule: string): string => `
const { parentPort } = require('worker_threads');
const { privateKeyToAccount } = require(${JSON.stringify(accountsModule)});
const accounts = new Map();
parentPort.on('message', async (m) => {
  if (m.op === 'add') { try { accounts.set(m.id, privateKeyToAccount(m.key)); } catch { /* checked by the caller */ } return; }
  if (m.op === 'drop') { accounts.delete(m.id); return; }
  try {
    const account = accounts.get(m.id);
    if (!account) throw new Error('no such signer in the signing thread');
    parentPort.postMessage({ req: m.req, signature: await account.signTypedData(m.typedData) });
  } catch (err) {
    parentPort.postMessage({ req: m.req, error: err instanceof Error ? err.message : 'signing failed' });
  }
});`;

/** What the SDK signs with: a viem-local-account-shaped wallet. */
export interface ThreadWallet {
  readonly address: Hex;
  signTypedData(typedData: TypedData): Promise<Hex>;
}

/** A wallet and how to make the thread forget its key. */
export interface ThreadSigner {
  wallet: ThreadWallet;
  release(): void;
}

/**
 * EIP-712 signing on a worker thread: the agents' keys are handed to it once (by structured clone,
 * in memory) and their signatures computed there, so a leader's change signing a hundred orders
 * does not hold the event loop (on a machine with a core to spare it runs beside it). If the
 * thread is gone or fails, the signature is computed here with the same account (deterministic:
 * signing twice never sends twice).
 */
export class SigningThread {
  private worker: Worker | null = null;
  /** Signatures computed on the thread / here (the thread gone or failing). */
  readonly counts = { thread: 0, local: 0 };
  private nextId = 0;
  private nextReq = 0;
  private readonly waiting = new Map<number, { resolve: (s: Hex) => void; reject: (e: Error) => void }>();
  private readonly registry = new FinalizationRegistry<number>((id) => this.worker?.postMessage({ op: 'drop', id }));

  /**
   * A wallet for `account` (already derived from `key` here) whose signatures come from the thread;
   * `release` (or the wallet being collected) makes the thread drop the key.
   */
  wallet(key: Hex, account: LocalAccount): ThreadSigner {
    const id = this.nextId++;
    const worker = this.thread();
    worker?.postMessage({ op: 'add', id, key });
    const wallet: ThreadWallet = {
      address: account.address,
      signTypedData: async (typedData: TypedData) => {
        const w = this.worker;
        const local = (): Promise<Hex> => (this.counts.local++, account.signTypedData(typedData));
        if (!w || w !== worker) return local();
        return this.sign(w, id, typedData).then((sig) => (this.counts.thread++, sig), local);
      },
    };
    const token = {};
    this.registry.register(wallet, id, token);
    return {
      wallet,
      release: () => {
        this.registry.unregister(token);
        worker?.postMessage({ op: 'drop', id });
      },
    };
  }

  private sign(worker: Worker, id: number, typedData: TypedData): Promise<Hex> {
    const req = this.nextReq++;
    return new Promise<Hex>((resolve, reject) => {
      // Held (ref'd) only while a signature is awaited: an idle thread never keeps a process alive.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(req, { resolve, reject });
      worker.postMessage({ op: 'sign', id, req, typedData });
    });
  }

  private thread(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(source(require.resolve('viem/accounts')), { eval: true });
      worker.on('message', (m: { req: number; signature?: Hex; error?: string }) => {
        const w = this.waiting.get(m.req);
        this.waiting.delete(m.req);
        if (this.waiting.size === 0) worker.unref();
        if (m.signature) w?.resolve(m.signature);
        else w?.reject(new Error(m.error ?? 'signing failed'));
      });
      const gone = (): void => {
        if (this.worker === worker) this.worker = null;
        for (const w of this.waiting.values()) w.reject(new Error('signing thread stopped'));
        this.waiting.clear();
      };
      worker.on('error', gone);
      worker.on('exit', gone);
      // After the listeners (a 'message' listener refs the worker's port again): idle, the thread
      // keeps no process alive (jest hung after a full run on three of them).
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      return null;
    }
  }
}
