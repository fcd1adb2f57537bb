// Shared pieces for the Byzantine mode's unit tests: a validator key, a proposal for a round it
// leads, and the verify function the node uses.
import type { Proposal } from '../../../src/consensus/index.ts';
import type { KeyPair } from '../../../src/crypto/suite.ts';
import { getSuite } from '../../../src/crypto/suites.ts';
import type { BlockHeader } from '../../../src/ledger/block.ts';
import { type Vote, voteMessage } from '../../../src/ledger/certificate.ts';
import { createValidatorSet, type ValidatorSet } from '../../../src/ledger/validator-set.ts';
import type { ForgeKey } from '../../../src/node/byzantine/forge.ts';
import { signProposal } from '../../../src/node/byzantine/forge.ts';

export const chainId = 'tally-byzantine-unit';
const suite = getSuite('ed25519');

export const validatorKeys: KeyPair[] = [1, 2, 3, 4].map((i) =>
  suite.keyPairFromSecret(new Uint8Array(32).fill(i)),
);

export const validators: ValidatorSet = createValidatorSet({
  epoch: 0,
  validators: validatorKeys.map((k, i) => ({
    suite: k.suite,
    publicKey: k.publicKey,
    orgId: `org-${i}`,
  })),
});

export function forgeKey(index: number): ForgeKey {
  const k = validatorKeys[index]!;
  return {
    chainId,
    suite: k.suite,
    publicKey: k.publicKey,
    sign: (message) => suite.sign(message, k.secretKey),
  };
}

export const verify = (
  s: KeyPair['suite'],
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
) => getSuite(s).verify(message, signature, publicKey);

export function header(round: number, proposer: number): BlockHeader {
  return {
    chainId,
    height: 10,
    epoch: 0,
    round,
    parentHash: new Uint8Array(32).fill(9),
    timeMs: 1_767_225_600_000,
    proposer,
    txRoot: new Uint8Array(32).fill(1),
    txCount: 0,
    stateHeight: 7,
    stateRoot: new Uint8Array(32).fill(2),
    resultsRoot: new Uint8Array(32).fill(3),
    validatorSetHash: new Uint8Array(32).fill(4),
    justify: {
      epoch: 0,
      round: round - 1,
      height: 9,
      blockHash: new Uint8Array(32).fill(9),
      signers: new Uint8Array([0b0111]),
      signatures: [new Uint8Array(64), new Uint8Array(64), new Uint8Array(64)],
    },
  };
}

/** A proposal by validator `proposer` for `round`, signed with its key. */
export function proposal(round: number, proposer: number): Proposal {
  return signProposal(forgeKey(proposer), header(round, proposer), [], null);
}

/** Does `signature` verify as validator `voter`'s vote for this block? */
export function verifiesAsVote(vote: Omit<Vote, 'voter'>, voter: number): boolean {
  const k = validatorKeys[voter]!;
  const message = voteMessage(chainId, vote.epoch, vote.round, vote.height, vote.blockHash);
  return suite.verify(message, vote.signature, k.publicKey);
}
