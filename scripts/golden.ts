// Writes test/vectors/golden/ledger.json: canonical encodings and hashes of every ledger type, and
// encodings that must be refused, so that an SDK in another language can be checked against them.
// Run with `npm run golden` after a deliberate change to an encoding; the test pins the file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashHeader } from '../src/ledger/block.ts';
import { toHex } from '../src/util/bytes.ts';
import * as f from '../test/ledger/fixtures.ts';
import { invalidVectors } from '../test/ledger/golden-invalid.ts';
import { jsonView, type Kind, type KindName, kinds } from '../test/ledger/golden-kinds.ts';

function vector(kind: KindName, name: string, value: unknown) {
  const k = kinds[kind] as Kind;
  const bytes = k.encode(value as never);
  return {
    kind,
    name,
    fields: jsonView(k.decode(bytes)),
    cbor: toHex(bytes),
    ...(k.hash ? { hash: toHex(k.hash(value as never)) } : {}),
  };
}

const block = f.blockWithTxs();
const valid = [
  vector('transaction', 'bank transfer signed with ed25519', f.transferTx('ed25519')),
  vector('transaction', 'bank transfer signed with p256', f.transferTx('p256')),
  vector('transaction', 'bank transfer signed with sm2', f.transferTx('sm2')),
  vector('header', 'genesis header', f.genesisHeader()),
  vector('header', 'header at height 1 with a QC of 3 of 4', block.header),
  vector('block', 'block with two transfers', block),
  vector('vote', 'vote for block 1', f.signVote(1, 1, 1, hashHeader(block.header), 2)),
  vector(
    'quorumCertificate',
    'QC of validators 0, 1, 3',
    f.quorumCertificate(1, 1, 1, hashHeader(block.header), [0, 1, 3]),
  ),
  vector('timeoutVote', 'timeout of round 2', f.signTimeout(1, 2, 1, 3)),
  vector(
    'timeoutCertificate',
    'TC of round 2',
    f.timeoutCertificate(1, 2, [
      [0, 1],
      [2, 1],
      [3, 0],
    ]),
  ),
  vector('validatorSet', 'four validators of epoch 1', f.validatorSet()),
  vector('receipt', 'receipt with one event', f.receipt()),
];

const file = {
  description:
    'Tally ledger types: canonical CBOR (RFC 8949 4.2) encodings, domain-separated SHA-256 hashes, and encodings that must be refused',
  hashDomains:
    'hash = sha256(utf8("tally/<domain>/v1") || 0x00 || cbor), domains: tx, header, vote, timeout, receipt, validator-set',
  chainId: f.chainId,
  valid,
  invalid: invalidVectors(),
};
const path = join(import.meta.dirname, '../test/vectors/golden/ledger.json');
writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${valid.length} valid and ${file.invalid.length} invalid vectors to ${path}`);
