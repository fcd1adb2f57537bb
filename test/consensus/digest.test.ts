// The consensus hot-path digests (src/consensus/digest.ts) equal the ledger's definitions byte for
// byte, for any input, and a remembered digest is never returned for different fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { blockHash, hashHex, timeoutDigest, voteDigest } from '../../src/consensus/digest.ts';
import { type BlockHeader, hashHeader } from '../../src/ledger/block.ts';
import { timeoutMessage, voteMessage } from '../../src/ledger/certificate.ts';
import { toHex } from '../../src/util/bytes.ts';

const round = fc.nat({ max: 2 ** 40 });
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const chainIdArb = fc.string({ minLength: 1, maxLength: 32 });

test('voteDigest equals voteMessage, also when one hash object is reused for other fields', () => {
  fc.assert(
    fc.property(chainIdArb, fc.nat(), round, round, hash32, (chainId, epoch, r, height, hash) => {
      assert.deepEqual(
        voteDigest(chainId, epoch, r, height, hash),
        voteMessage(chainId, epoch, r, height, hash),
      );
      assert.deepEqual(
        voteDigest(chainId, epoch, r + 1, height, hash),
        voteMessage(chainId, epoch, r + 1, height, hash),
      );
      assert.deepEqual(
        voteDigest(chainId, epoch + 1, r, height + 1, hash),
        voteMessage(chainId, epoch + 1, r, height + 1, hash),
      );
    }),
  );
});

test('timeoutDigest equals timeoutMessage', () => {
  fc.assert(
    fc.property(chainIdArb, fc.nat(), round, round, (chainId, epoch, r, qcRound) => {
      assert.deepEqual(
        timeoutDigest(chainId, epoch, r, qcRound),
        timeoutMessage(chainId, epoch, r, qcRound),
      );
    }),
  );
});

test('blockHash equals hashHeader, and hashHex equals toHex', () => {
  const header = (parentHash: Uint8Array, r: number, signatures: Uint8Array[]): BlockHeader =>
    Object.freeze({
      chainId: 'tally-test',
      height: 7,
      epoch: 1,
      round: r + 1,
      parentHash,
      timeMs: 1_700_000_000_000,
      proposer: 2,
      txRoot: parentHash,
      txCount: 3,
      stateHeight: 5,
      stateRoot: parentHash,
      resultsRoot: parentHash,
      validatorSetHash: parentHash,
      justify: {
        epoch: 1,
        round: r,
        height: 6,
        blockHash: parentHash,
        signers: new Uint8Array([0b111]),
        signatures,
      },
    });
  const signatures = fc.array(fc.uint8Array({ minLength: 64, maxLength: 64 }), {
    minLength: 3,
    maxLength: 3,
  });
  fc.assert(
    fc.property(hash32, round, signatures, (parentHash, r, sigs) => {
      const h = header(parentHash, r, sigs);
      assert.deepEqual(blockHash(h), hashHeader(h));
      assert.equal(blockHash(h), blockHash(h), 'remembered per header object');
      assert.equal(hashHex(parentHash), toHex(parentHash));
    }),
  );
});
