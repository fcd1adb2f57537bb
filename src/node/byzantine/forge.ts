// The faulty blocks and votes a Byzantine test validator signs with its real key: a second block for
// a round it leads, blocks honest validators must refuse, and a vote for a block that does not exist.
// Pure: signing is passed in, and nothing here reads a clock or draws a random number.
import { encode } from '../../codec/index.ts';
import type { Proposal } from '../../consensus/index.ts';
import { merkleRoot } from '../../crypto/merkle.ts';
import { sha256 } from '../../crypto/sha256.ts';
import type { SuiteId } from '../../crypto/suite.ts';
import { type Block, type BlockHeader, hashHeader } from '../../ledger/block.ts';
import { type Vote, voteMessage } from '../../ledger/certificate.ts';
import { decodeTransaction, encodeTransactionBody, transactionId } from '../../ledger/tx.ts';
import { assert } from '../../util/assert.ts';
import { bytesEqual } from '../../util/bytes.ts';

export type ForgeKey = {
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
  /** Signs 32 bytes with the validator's own key. */
  readonly sign: (message: Uint8Array) => Uint8Array;
};

/** Ways to make a block that an honest validator refuses, taken in turn. */
export const invalidBlockKinds = [
  'state-root',
  'state-height',
  'bad-tx-signature',
  'bad-parent',
] as const;
export type InvalidBlockKind = (typeof invalidBlockKinds)[number];

/** How long the forged transaction claims to stay valid after the block's time. */
const forgedTxLifetimeMs = 60_000;

/** A proposal for `header` and `txs`, signed (= voted for) with the validator's key. */
export function signProposal(
  key: ForgeKey,
  header: BlockHeader,
  txs: readonly Uint8Array[],
  tc: Proposal['tc'],
): Proposal {
  const block: Block = Object.freeze({ header: Object.freeze(header), txs: Object.freeze(txs) });
  const message = voteMessage(
    key.chainId,
    header.epoch,
    header.round,
    header.height,
    hashHeader(header),
  );
  return Object.freeze({ type: 'proposal', block, signature: key.sign(message), tc });
}

/** A second, equally valid block for the same round: the same transactions, one millisecond later. */
export function equivocatingProposal(key: ForgeKey, p: Proposal): Proposal {
  const header = { ...p.block.header, timeMs: p.block.header.timeMs + 1 };
  const second = signProposal(key, header, p.block.txs, p.tc);
  assert(!bytesEqual(second.signature, p.signature), 'equivocation: a second signature');
  return second;
}

/**
 * A transaction that decodes, from this validator's key, whose signature does not verify: it is
 * signed, then one bit of the signature is flipped.
 */
export function badlySignedTransaction(
  key: ForgeKey,
  nonce: bigint,
  expiresAtMs: number,
): Uint8Array {
  const bodyBytes = encodeTransactionBody({
    chainId: key.chainId,
    suite: key.suite,
    signer: key.publicKey,
    nonce,
    expiresAtMs,
    module: 'bank',
    method: 'transfer',
    args: null,
  });
  const signature = key.sign(transactionId(bodyBytes)).slice();
  assert(signature.length > 0, 'forge: an empty signature');
  signature[0]! ^= 1;
  return encode([bodyBytes, signature]);
}

/** A block honest validators must refuse, built from the block this validator meant to propose. */
export function invalidProposal(key: ForgeKey, p: Proposal, kind: InvalidBlockKind): Proposal {
  const h = p.block.header;
  switch (kind) {
    case 'state-root':
      return signProposal(key, { ...h, stateRoot: sha256(h.stateRoot) }, p.block.txs, p.tc);
    case 'state-height':
      // Certifies the state after this very block: no one can have executed it.
      return signProposal(key, { ...h, stateHeight: h.height }, p.block.txs, p.tc);
    case 'bad-parent':
      return signProposal(key, { ...h, parentHash: sha256(h.parentHash) }, p.block.txs, p.tc);
    case 'bad-tx-signature': {
      const forged = badlySignedTransaction(key, BigInt(h.height), h.timeMs + forgedTxLifetimeMs);
      const txs = [...p.block.txs, forged];
      const ids = txs.map((bytes) => decodeTransaction(bytes).id);
      const header = { ...h, txRoot: merkleRoot(ids), txCount: txs.length };
      return signProposal(key, header, txs, p.tc);
    }
  }
}

/** A vote by the same validator, in the same round, for a block that does not exist. */
export function conflictingVote(key: ForgeKey, vote: Vote): Vote {
  const blockHash = sha256(new TextEncoder().encode('tally/byzantine'), vote.blockHash);
  const message = voteMessage(key.chainId, vote.epoch, vote.round, vote.height, blockHash);
  return Object.freeze({ ...vote, blockHash, signature: key.sign(message) });
}
