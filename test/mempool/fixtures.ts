// Mempool test fixtures: fixed keys, transactions built with chosen defects, and a mempool wired to
// a settable clock, a real replay set and an observed (not mocked) verifyBatch.

import { encode } from '../../src/codec/index.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { type VerifyItem, verifyBatch } from '../../src/crypto/verify-batch.ts';
import { encodeTransactionBody, transactionId } from '../../src/ledger/tx.ts';
import {
  createMempool,
  type Mempool,
  type MempoolDeps,
  type MempoolOptions,
  type PermissionResult,
} from '../../src/mempool/index.ts';
import { toHex } from '../../src/util/bytes.ts';

export const chainId = 'tally-test';
export const t0Ms = 1_767_225_600_000;

export const signers: readonly KeyPair[] = [21, 22, 23, 24].map((b) =>
  getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(b)),
);

export type TxSpec = {
  readonly nonce: bigint;
  readonly signer?: number;
  readonly chainId?: string;
  readonly expiresAtMs?: number;
  /** Extra bytes carried in the args, to make the transaction larger. */
  readonly padBytes?: number;
  readonly badSignature?: boolean;
  /** Signature length for a malformed transaction (the codec wants 64). */
  readonly signatureBytes?: number;
};

function bodyOf(spec: TxSpec) {
  return {
    chainId: spec.chainId ?? chainId,
    suite: 'ed25519' as const,
    signer: signers[spec.signer ?? 0]!.publicKey,
    nonce: spec.nonce,
    expiresAtMs: spec.expiresAtMs ?? t0Ms + 60_000,
    module: 'bank',
    method: 'transfer',
    args: { amount: 100n + spec.nonce, pad: new Uint8Array(spec.padBytes ?? 0) },
  };
}

/** Encoded signed transaction; defects are built by hand so that they bypass signTransaction's checks. */
export function txBytes(spec: TxSpec): Uint8Array {
  // The same layout signTransaction writes ([bodyBytes, signature]), without its size check.
  const bodyBytes = encodeTransactionBody(bodyOf(spec));
  const signature = getSuite('ed25519').sign(
    transactionId(bodyBytes),
    signers[spec.signer ?? 0]!.secretKey,
  );
  if (spec.badSignature === true) signature[0]! ^= 1;
  const length = spec.signatureBytes ?? 64;
  const sized = length <= 64 ? signature.subarray(0, length) : new Uint8Array(length);
  return encode([bodyBytes, sized]);
}

export function idOf(spec: TxSpec): Uint8Array {
  return transactionId(encodeTransactionBody(bodyOf(spec)));
}

export type Harness = {
  readonly mempool: Mempool;
  /** Current time in ms; tests move it. */
  clock: { nowMs: number };
  /** The replay set (hex ids). */
  readonly committed: Set<string>;
  /** Each verify call's items, in order. */
  readonly verifyCalls: VerifyItem[][];
  /** Signers (by index) whose transactions the permission check refuses. */
  readonly deniedSigners: Set<number>;
  /** Ids handed to the permission check, hex. */
  readonly permissionChecks: string[];
  /** Runs inside each verify call before the real verification (to change state meanwhile). */
  beforeVerify: (items: readonly VerifyItem[]) => void;
};

export const deniedMessage = 'signer organisation may not call bank.transfer';

export function createHarness(
  options: Partial<MempoolOptions> = {},
  carried: Pick<MempoolDeps, 'carriedSignatures' | 'carriedVerified'> = {},
): Harness {
  const clock = { nowMs: t0Ms };
  const committed = new Set<string>();
  const verifyCalls: VerifyItem[][] = [];
  const deniedSigners = new Set<number>();
  const permissionChecks: string[] = [];
  const signerHex = signers.map((k) => toHex(k.publicKey));
  const harness: Harness = {
    clock,
    committed,
    verifyCalls,
    deniedSigners,
    permissionChecks,
    beforeVerify: () => {},
    mempool: createMempool(
      { chainId, ...options },
      {
        now: () => clock.nowMs,
        isCommitted: (txId) => committed.has(toHex(txId)),
        checkPermission: (tx): PermissionResult => {
          permissionChecks.push(toHex(tx.id));
          const index = signerHex.indexOf(toHex(tx.signer));
          return deniedSigners.has(index)
            ? { ok: false, code: 'role_not_permitted', message: deniedMessage }
            : { ok: true };
        },
        verify: async (items) => {
          verifyCalls.push([...items]);
          harness.beforeVerify(items);
          return verifyBatch(items);
        },
        ...carried,
      },
    ),
  };
  return harness;
}

/** Items verified so far, over all calls. */
export function verifiedCount(h: Harness): number {
  return h.verifyCalls.reduce((n, call) => n + call.length, 0);
}

export function codes(results: readonly { status: string; code?: string }[]): string[] {
  return results.map((r) => r.code ?? r.status);
}
