// Deterministic ledger objects for tests and golden vectors: fixed keys, fixed contents.

import { merkleRoot } from '../../src/crypto/merkle.ts';
import type { KeyPair, SuiteId } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { type Block, type BlockHeader, hashHeader } from '../../src/ledger/block.ts';
import {
  type QuorumCertificate,
  signerBitmap,
  type TimeoutCertificate,
  type TimeoutVote,
  timeoutMessage,
  type Vote,
  voteMessage,
} from '../../src/ledger/certificate.ts';
import type { Receipt } from '../../src/ledger/receipt.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import {
  createValidatorSet,
  hashValidatorSet,
  type ValidatorSet,
} from '../../src/ledger/validator-set.ts';

export const chainId = 'tally-golden';

export function fixedKey(suite: SuiteId, seedByte: number): KeyPair {
  return getSuite(suite).keyPairFromSecret(new Uint8Array(32).fill(seedByte));
}

export const validatorKeys = [1, 2, 3, 4].map((b) => fixedKey('ed25519', b));

export function validatorSet(epoch = 1): ValidatorSet {
  return createValidatorSet({
    epoch,
    validators: validatorKeys.map((k, i) => ({
      suite: 'ed25519',
      publicKey: k.publicKey,
      orgId: ['hk-wallet', 'ph-wallet', 'settlement-bank', 'hk-regulator'][i]!,
    })),
  });
}

export function transferTx(suite: SuiteId = 'ed25519', nonce = 7n): Transaction {
  const key = fixedKey(suite, 9);
  return signTransaction(
    {
      chainId,
      suite,
      signer: key.publicKey,
      nonce,
      expiresAtMs: 1_767_225_600_000,
      module: 'bank',
      method: 'transfer',
      args: {
        id: new Uint8Array(16).fill(0xaa),
        debit: new Uint8Array(16).fill(1),
        credit: new Uint8Array(16).fill(2),
        amount: 150_000n,
        currency: 'HKD',
      },
    },
    getSuite(suite),
    key.secretKey,
  );
}

export function signVote(
  epoch: number,
  round: number,
  height: number,
  blockHash: Uint8Array,
  voter: number,
): Vote {
  const signature = getSuite('ed25519').sign(
    voteMessage(chainId, epoch, round, height, blockHash),
    validatorKeys[voter]!.secretKey,
  );
  return { epoch, round, height, blockHash, voter, signature };
}

export function quorumCertificate(
  epoch: number,
  round: number,
  height: number,
  blockHash: Uint8Array,
  voters: number[],
): QuorumCertificate {
  const sorted = [...voters].sort((a, b) => a - b);
  return {
    epoch,
    round,
    height,
    blockHash,
    signers: signerBitmap(sorted, validatorKeys.length),
    signatures: sorted.map((v) => signVote(epoch, round, height, blockHash, v).signature),
  };
}

export function signTimeout(
  epoch: number,
  round: number,
  highQcRound: number,
  voter: number,
): TimeoutVote {
  const signature = getSuite('ed25519').sign(
    timeoutMessage(chainId, epoch, round, highQcRound),
    validatorKeys[voter]!.secretKey,
  );
  return { epoch, round, highQcRound, voter, signature };
}

export function timeoutCertificate(
  epoch: number,
  round: number,
  votes: Array<[voter: number, highQcRound: number]>,
): TimeoutCertificate {
  const sorted = [...votes].sort((a, b) => a[0] - b[0]);
  return {
    epoch,
    round,
    signers: signerBitmap(
      sorted.map(([v]) => v),
      validatorKeys.length,
    ),
    highQcRounds: sorted.map(([, r]) => r),
    signatures: sorted.map(([v, r]) => signTimeout(epoch, round, r, v).signature),
  };
}

const zero32 = new Uint8Array(32);

export function genesisHeader(): BlockHeader {
  return {
    chainId,
    height: 0,
    epoch: 1,
    round: 0,
    parentHash: zero32,
    timeMs: 1_767_225_600_000,
    proposer: 0,
    txRoot: merkleRoot([]),
    txCount: 0,
    stateHeight: 0,
    stateRoot: new Uint8Array(32).fill(0x11),
    resultsRoot: merkleRoot([]),
    validatorSetHash: hashValidatorSet(validatorSet()),
    justify: {
      epoch: 1,
      round: 0,
      height: 0,
      blockHash: zero32,
      signers: new Uint8Array(1),
      signatures: [],
    },
  };
}

export function blockWithTxs(): Block {
  const genesis = genesisHeader();
  const txs = [transferTx('ed25519', 1n), transferTx('ed25519', 2n)];
  const header: BlockHeader = {
    ...genesis,
    height: 1,
    round: 1,
    parentHash: hashHeader(genesis),
    timeMs: genesis.timeMs + 1000,
    proposer: 1,
    txRoot: merkleRoot(txs.map((t) => t.id)),
    txCount: txs.length,
    justify: quorumCertificate(1, 0, 0, hashHeader(genesis), [0, 1, 2]),
  };
  return { header, txs: txs.map((t) => t.bytes) };
}

export function receipt(): Receipt {
  return {
    txId: transferTx().id,
    height: 1,
    index: 0,
    code: 'ok',
    message: '',
    events: [
      {
        module: 'bank',
        type: 'transfer_posted',
        attributes: { id: new Uint8Array(16).fill(0xaa), amount: 150_000n, currency: 'HKD' },
      },
    ],
  };
}
