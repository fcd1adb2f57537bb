// Transactions a node signs for its organisation with the gateway key: built, signed, admitted to
// this node's mempool, and followed until final. Nonces come from the clock with a counter, so
// they stay unique across restarts without a stored sequence.
import type { CborValue } from '../../codec/index.ts';
import { getSuite } from '../../crypto/suites.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import type { Receipt } from '../../ledger/receipt.ts';
import { signTransaction, type Transaction } from '../../ledger/tx.ts';
import type { AdmitResult } from '../../mempool/results.ts';
import { TallyError } from '../../util/errors.ts';
import type { OrgKeys } from './org-keys.ts';

/** How long a gateway transaction may wait for a block (inside the mempool's expiry window). */
export const gatewayTxLifetimeMs = 2 * 60 * 1000;
/** How long a caller that asked to wait is answered within; the transaction may still land later. */
export const gatewayWaitMs = 30_000;

export type GatewaySubmit = {
  readonly chainId: string;
  readonly keys: OrgKeys;
  readonly blocks: BlockStore;
  admit(txs: readonly Uint8Array[]): Promise<AdmitResult[]>;
  onExecuted(listener: (height: number) => void): () => void;
  now(): number;
};

export type GatewayOutcome = {
  readonly txId: Uint8Array;
  /** Absent when the caller did not wait, or the wait ran out before the block. */
  readonly receipt: Receipt | undefined;
};

export class GatewaySigner {
  private counter = 0n;

  constructor(private readonly deps: GatewaySubmit) {}

  sign(module: string, method: string, args: CborValue): Transaction {
    const { keys, chainId } = this.deps;
    const now = this.deps.now();
    this.counter = (this.counter + 1n) % 1_000_000n;
    return signTransaction(
      {
        chainId,
        suite: keys.signing.suite,
        signer: keys.signing.publicKey,
        nonce: BigInt(now) * 1_000_000n + this.counter,
        expiresAtMs: now + gatewayTxLifetimeMs,
        module,
        method,
        args,
      },
      getSuite(keys.signing.suite),
      keys.signing.secretKey,
    );
  }

  /** Signs and admits one call; with `wait`, resolves once its block is executed (or the wait ends). */
  async submit(
    module: string,
    method: string,
    args: CborValue,
    wait: boolean,
  ): Promise<GatewayOutcome> {
    const tx = this.sign(module, method, args);
    const final = wait ? this.waitFinal(tx.id) : undefined;
    const [admitted] = await this.deps.admit([tx.bytes]);
    if (admitted === undefined || admitted.status !== 'admitted') {
      final?.cancel();
      const code = admitted?.code ?? 'not_admitted';
      const message = admitted?.message ?? 'the mempool gave no result';
      throw new TallyError(code, `the gateway's transaction was refused: ${message}`);
    }
    return { txId: tx.id, receipt: final === undefined ? undefined : await final.promise };
  }

  private waitFinal(txId: Uint8Array): {
    promise: Promise<Receipt | undefined>;
    cancel: () => void;
  } {
    let cancel = () => {};
    const promise = new Promise<Receipt | undefined>((resolve) => {
      const done = (receipt: Receipt | undefined) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(receipt);
      };
      const unsubscribe = this.deps.onExecuted(() => {
        const receipt = this.deps.blocks.receipt(txId);
        if (receipt !== undefined) done(receipt);
      });
      const timer = setTimeout(() => done(undefined), gatewayWaitMs);
      cancel = () => done(undefined);
    });
    return { promise, cancel };
  }
}
