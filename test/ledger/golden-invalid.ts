// Encodings each ledger decoder must refuse, with the error code and field it must name.
import { type CborValue, decode, encode } from '../../src/codec/index.ts';
import { headerToValue } from '../../src/ledger/block.ts';
import { qcToValue, voteToValue } from '../../src/ledger/certificate.ts';
import { validatorSetToValue } from '../../src/ledger/validator-set.ts';
import { concatBytes, toHex } from '../../src/util/bytes.ts';
import * as f from './fixtures.ts';
import type { KindName } from './golden-kinds.ts';

export type InvalidVector = {
  kind: KindName;
  name: string;
  cbor: string;
  error: { code: string; field: string };
};

function txWithBody(
  change: (body: CborValue[]) => void,
  signature: Uint8Array = new Uint8Array(64),
): Uint8Array {
  const tx = f.transferTx();
  const [bodyBytes] = decode(tx.bytes) as [Uint8Array];
  const body = [...(decode(bodyBytes) as CborValue[])];
  change(body);
  return encode([encode(body), signature]);
}

function replaced<T extends CborValue[]>(items: T, index: number, value: CborValue): CborValue[] {
  const copy = [...items];
  copy[index] = value;
  return copy;
}

/** A transaction whose arguments are the float 1.5: a marker integer's 5 bytes swapped for a float32's. */
function withFloatArgs(): Uint8Array {
  const bytes = txWithBody((b) => {
    b[8] = 0x11223344;
  });
  const marker = toHex(new Uint8Array([0x1a, 0x11, 0x22, 0x33, 0x44]));
  const at = toHex(bytes).indexOf(marker) / 2;
  bytes.set([0xfa, 0x3f, 0xc0, 0x00, 0x00], at);
  return bytes;
}

export function invalidVectors(): InvalidVector[] {
  const tx = f.transferTx();
  const block = f.blockWithTxs();
  const header = headerToValue(block.header) as CborValue[];
  const qc = qcToValue(block.header.justify) as CborValue[];
  const set = validatorSetToValue(f.validatorSet()) as [number, CborValue[]];
  const v = (
    kind: KindName,
    name: string,
    bytes: Uint8Array,
    code: string,
    field: string,
  ): InvalidVector => ({
    kind,
    name,
    cbor: toHex(bytes),
    error: { code, field },
  });
  return [
    v(
      'transaction',
      'unknown signature suite',
      txWithBody((b) => {
        b[2] = 'rsa';
      }),
      'wrong_type',
      'tx.suite',
    ),
    v(
      'transaction',
      'signer key of the wrong length',
      txWithBody((b) => {
        b[3] = new Uint8Array(31);
      }),
      'out_of_range',
      'tx.signer',
    ),
    v(
      'transaction',
      'signature of 63 bytes',
      txWithBody(() => {}, new Uint8Array(63)),
      'out_of_range',
      'tx.signature',
    ),
    v(
      'transaction',
      'unsupported version',
      txWithBody((b) => {
        b[0] = 2;
      }),
      'out_of_range',
      'tx.version',
    ),
    v(
      'transaction',
      'module name not an identifier',
      txWithBody((b) => {
        b[6] = 'Bank';
      }),
      'wrong_type',
      'tx.module',
    ),
    v(
      'transaction',
      'negative nonce',
      txWithBody((b) => {
        b[4] = -1;
      }),
      'wrong_type',
      'tx.nonce',
    ),
    v(
      'transaction',
      'trailing byte after the transaction',
      concatBytes(tx.bytes, new Uint8Array([0])),
      'non_canonical',
      'tx',
    ),
    v('transaction', 'float inside the arguments', withFloatArgs(), 'unsupported', 'tx.body'),
    v(
      'transaction',
      'over the size limit',
      encode([new Uint8Array(70_000), new Uint8Array(64)]),
      'too_large',
      'tx',
    ),
    v(
      'header',
      'justify QC certifies another block',
      encode(replaced(header as CborValue[], 5, new Uint8Array(32).fill(9))),
      'out_of_range',
      'header.justify.blockHash',
    ),
    v(
      'header',
      'state height not below the block height',
      encode(replaced(header, 10, 1)),
      'out_of_range',
      'header.stateHeight',
    ),
    v('header', 'missing field', encode(header.slice(0, 14)), 'wrong_type', 'header'),
    v(
      'header',
      'round not above the justify round',
      encode(replaced(header, 4, 0)),
      'out_of_range',
      'header.round',
    ),
    v(
      'quorumCertificate',
      'one signature short of the signer bitmap',
      encode(replaced(qc, 5, (qc[5] as CborValue[]).slice(1))),
      'out_of_range',
      'qc.signatures',
    ),
    v(
      'vote',
      'block hash of 33 bytes',
      encode(
        replaced(
          voteToValue(f.signVote(1, 1, 1, new Uint8Array(32), 0)) as CborValue[],
          3,
          new Uint8Array(33),
        ),
      ),
      'out_of_range',
      'vote.blockHash',
    ),
    v(
      'validatorSet',
      'the same key twice',
      encode([1, [set[1][0]!, set[1][0]!]]),
      'out_of_range',
      'validatorSet.validators[1].publicKey',
    ),
    v('validatorSet', 'no validators', encode([1, []]), 'out_of_range', 'validatorSet.validators'),
  ];
}
