// Real ledger objects for the SDK's light-client tests: four validators on three suites, headers that
// carry a state root, and QCs signed with node:crypto (the node's suites), as a node would make them.
import { encode } from '../../src/codec/index.ts';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import type { KeyPair, SuiteId } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { type BlockHeader, encodeHeader, hashHeader } from '../../src/ledger/block.ts';
import {
  type QuorumCertificate,
  qcToValue,
  signerBitmap,
  voteMessage,
} from '../../src/ledger/certificate.ts';
import {
  createValidatorSet,
  hashValidatorSet,
  type ValidatorSet,
} from '../../src/ledger/validator-set.ts';

export const chainId = 'tally-sdk-proofs';

export function fixedKey(suite: SuiteId, seedByte: number): KeyPair {
  return getSuite(suite).keyPairFromSecret(new Uint8Array(32).fill(seedByte));
}

/** n = 4, f = 1, quorum 3; one validator per suite plus a second Ed25519. */
export const validatorKeys: readonly KeyPair[] = [
  fixedKey('ed25519', 0x11),
  fixedKey('p256', 0x12),
  fixedKey('sm2', 0x13),
  fixedKey('ed25519', 0x14),
];

export function makeValidatorSet(
  keys: readonly KeyPair[] = validatorKeys,
  epoch = 1,
): ValidatorSet {
  return createValidatorSet({
    epoch,
    validators: keys.map((k, i) => ({ suite: k.suite, publicKey: k.publicKey, orgId: `org-${i}` })),
  });
}

export type HeaderInput = {
  height: number;
  stateHeight: number;
  stateRoot: Uint8Array;
  set: ValidatorSet;
  chain?: string;
};

/** A header at `height` (round = height + 1) whose justify QC names a made-up parent. */
export function makeHeader(input: HeaderInput): BlockHeader {
  const parentHash = new Uint8Array(32).fill(0xaa);
  return {
    chainId: input.chain ?? chainId,
    height: input.height,
    epoch: input.set.epoch,
    round: input.height + 1,
    parentHash,
    timeMs: 1_750_000_000_000 + input.height * 1000,
    proposer: 0,
    txRoot: merkleRoot([]),
    txCount: 0,
    stateHeight: input.stateHeight,
    stateRoot: input.stateRoot,
    resultsRoot: merkleRoot([]),
    validatorSetHash: hashValidatorSet(input.set),
    justify: {
      epoch: input.set.epoch,
      round: input.height,
      height: input.height - 1,
      blockHash: parentHash,
      signers: new Uint8Array(1),
      signatures: [],
    },
  };
}

/** The QC that validators `signers` (indexes into `keys`) make by voting for `header`. */
export function certify(
  header: BlockHeader,
  signers: readonly number[],
  keys: readonly KeyPair[] = validatorKeys,
): QuorumCertificate {
  const hash = hashHeader(header);
  const message = voteMessage(header.chainId, header.epoch, header.round, header.height, hash);
  return {
    epoch: header.epoch,
    round: header.round,
    height: header.height,
    blockHash: hash,
    signers: signerBitmap(signers, keys.length),
    signatures: signers.map((i) => getSuite(keys[i]!.suite).sign(message, keys[i]!.secretKey)),
  };
}

export function encodeQc(qc: QuorumCertificate): Uint8Array {
  return encode(qcToValue(qc));
}

export { encodeHeader };
