// verifyStateProofResponse against real proofs from a state tree in LMDB and QCs signed by real
// validator keys (node:crypto); every tampering of proof, value, header, QC or set fails with its code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { hashHeader } from '../../src/ledger/block.ts';
import { encodeStateProof, openStateTree, type StateTree } from '../../src/ledger/state/index.ts';
import { parseBlock } from '../../src/sdk/actions/getBlock.ts';
import {
  type GetProofReturnType,
  TallyError,
  verifyBlockResponse,
  verifyStateProofResponse,
} from '../../src/sdk/index.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import {
  certify,
  chainId,
  encodeHeader,
  encodeQc,
  fixedKey,
  makeHeader,
  makeValidatorSet,
} from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-sdk-proof-'));
let store: Store;
let tree: StateTree;
let root: Uint8Array;
const stateHeight = 3;
const keyCount = 300;
const keyAt = (i: number) => utf8(`bank/account/${i}`);
const valueAt = (i: number) => utf8(`balance ${i * 7}`);
const set = makeValidatorSet();

before(async () => {
  store = openStore({ path: join(dir, 'store') });
  tree = openStateTree(store);
  for (let h = 0; h <= stateHeight; h++) {
    const changes = Array.from({ length: keyCount / (stateHeight + 1) }, (_, j) => {
      const i = h * (keyCount / (stateHeight + 1)) + j;
      return { key: keyAt(i), value: valueAt(i) };
    });
    root = await tree.applyBlock(h, changes);
  }
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What GET /v1/state/:key answers: value, proof, and block 5 carrying state 3, certified by 0, 1, 2. */
function response(key: Uint8Array, signers: readonly number[] = [0, 1, 2]): GetProofReturnType {
  const header = makeHeader({ height: 5, stateHeight, stateRoot: root, set });
  const value = tree.get(key, stateHeight);
  return {
    key: toHex(key),
    value: value === null ? null : toHex(value),
    height: stateHeight,
    proofHex: toHex(encodeStateProof(tree.prove(key, stateHeight))),
    blockHeight: header.height,
    headerHex: toHex(encodeHeader(header)),
    qcHex: toHex(encodeQc(certify(header, signers))),
  };
}

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof TallyError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test('proves present and absent keys against a certified header (ed25519, p256, sm2 signers)', () => {
  fc.assert(
    fc.property(fc.nat(2 * keyCount), (i) => {
      const key = keyAt(i);
      const value = verifyStateProofResponse({
        response: response(key),
        validatorSet: set,
        key,
        chainId,
      });
      assert.deepEqual(value, i < keyCount ? valueAt(i) : null);
    }),
    { numRuns: 40 },
  );
});

test('any quorum of signers is enough', () => {
  for (const signers of [
    [0, 1, 2],
    [1, 2, 3],
    [0, 2, 3],
    [0, 1, 2, 3],
  ]) {
    assert.ok(
      verifyStateProofResponse({ response: response(keyAt(1), signers), validatorSet: set }),
    );
  }
});

test('error: proof_invalid for a wrong value, a swapped value, or a tampered proof', () => {
  const good = response(keyAt(4));
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...good, value: toHex(utf8('forged')) },
        validatorSet: set,
      }),
    'proof_invalid',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, value: null }, validatorSet: set }),
    'proof_invalid',
  );
  const absent = response(keyAt(keyCount + 5));
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...absent, value: toHex(utf8('x')) },
        validatorSet: set,
      }),
    'proof_invalid',
  );
  const other = response(keyAt(9));
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...good, proofHex: other.proofHex },
        validatorSet: set,
      }),
    'proof_invalid',
  );
  // Flip one bit of a sibling hash near the end of the proof's bytes.
  const bytes = Buffer.from(good.proofHex, 'hex');
  bytes[bytes.length - 3]! ^= 0x01;
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...good, proofHex: bytes.toString('hex') },
        validatorSet: set,
      }),
    'proof_invalid',
  );
});

test('error: certificate_invalid for too few signers, a bad signature, or a foreign signer', () => {
  rejects(
    () => verifyStateProofResponse({ response: response(keyAt(1), [0, 1]), validatorSet: set }),
    'certificate_invalid',
  );
  const good = response(keyAt(1));
  const qc = Buffer.from(good.qcHex, 'hex');
  qc[qc.length - 1]! ^= 0x01; // the last signature's last byte
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...good, qcHex: qc.toString('hex') },
        validatorSet: set,
      }),
    'certificate_invalid',
  );
  // Signed by an outsider in validator 3's seat.
  const header = makeHeader({ height: 5, stateHeight, stateRoot: root, set });
  const keys = [0x11, 0x12, 0x13, 0x99].map((b, i) =>
    fixedKey(['ed25519', 'p256', 'sm2', 'ed25519'][i] as 'ed25519', b),
  );
  const forged = encodeQc(certify(header, [0, 1, 3], keys));
  rejects(
    () =>
      verifyStateProofResponse({ response: { ...good, qcHex: toHex(forged) }, validatorSet: set }),
    'certificate_invalid',
  );
});

test('error: header_mismatch when the header is not the one the QC certifies', () => {
  const good = response(keyAt(1));
  const otherRoot = makeHeader({
    height: 5,
    stateHeight,
    stateRoot: new Uint8Array(32).fill(7),
    set,
  });
  rejects(
    () =>
      verifyStateProofResponse({
        response: { ...good, headerHex: toHex(encodeHeader(otherRoot)) },
        validatorSet: set,
      }),
    'header_mismatch',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, blockHeight: 6 }, validatorSet: set }),
    'header_mismatch',
  );
});

test('error: validator_set_mismatch, height_mismatch, chain_mismatch, key_mismatch, response_invalid', () => {
  const good = response(keyAt(1));
  const otherSet = makeValidatorSet(undefined, 2);
  rejects(
    () => verifyStateProofResponse({ response: good, validatorSet: otherSet }),
    'validator_set_mismatch',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, height: 2 }, validatorSet: set }),
    'height_mismatch',
  );
  rejects(
    () => verifyStateProofResponse({ response: good, validatorSet: set, chainId: 'other' }),
    'chain_mismatch',
  );
  rejects(
    () => verifyStateProofResponse({ response: good, validatorSet: set, key: keyAt(2) }),
    'key_mismatch',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, headerHex: 'zz' }, validatorSet: set }),
    'response_invalid',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, qcHex: '00' }, validatorSet: set }),
    'response_invalid',
  );
  rejects(
    () => verifyStateProofResponse({ response: { ...good, proofHex: 'ff' }, validatorSet: set }),
    'response_invalid',
  );
});

test('a certified block verifies; an uncertified one does not', () => {
  const header = makeHeader({ height: 5, stateHeight, stateRoot: root, set });
  const json = {
    height: 5,
    hash: toHex(hashHeader(header)),
    header: {},
    headerHex: toHex(encodeHeader(header)),
    txIds: [],
    qcHex: toHex(encodeQc(certify(header, [1, 2, 3]))),
  };
  const verified = verifyBlockResponse({ block: parseBlock(json), validatorSet: set, chainId });
  assert.deepEqual(verified.stateRoot, root);
  rejects(
    () => verifyBlockResponse({ block: parseBlock({ ...json, qcHex: null }), validatorSet: set }),
    'certificate_invalid',
  );
  rejects(() => parseBlock({ ...json, hash: '00'.repeat(32) }), 'bad_response');
});
