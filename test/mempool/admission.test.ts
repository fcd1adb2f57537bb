// Admission checks: each rejection code, the order in which the checks run, and the pinned messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '../../src/codec/index.ts';
import { txBytesMax, txExpiryWindowMs } from '../../src/ledger/limits.ts';
import { mempoolBytesMax } from '../../src/mempool/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  chainId,
  codes,
  createHarness,
  deniedMessage,
  type Harness,
  idOf,
  type TxSpec,
  t0Ms,
  txBytes,
} from './fixtures.ts';

type Case = {
  readonly name: string;
  readonly spec: TxSpec;
  readonly expected: string;
  /** Extra state: the tx is committed, its signer is denied, the pool is full. */
  readonly committed?: boolean;
  readonly denied?: boolean;
  readonly full?: boolean;
};

const bad = { badSignature: true } as const;
const precedence: readonly Case[] = [
  {
    name: 'an oversize tx with a bad signature',
    spec: { nonce: 1n, padBytes: txBytesMax, ...bad },
    expected: 'tx_too_large',
  },
  {
    name: 'a malformed tx for another chain',
    spec: { nonce: 2n, chainId: 'other', signatureBytes: 63 },
    expected: 'tx_malformed',
  },
  {
    name: 'an expired tx for another chain',
    spec: { nonce: 3n, chainId: 'other', expiresAtMs: t0Ms - 1 },
    expected: 'wrong_chain',
  },
  {
    name: 'an expired tx with a bad signature, committed',
    spec: { nonce: 4n, expiresAtMs: t0Ms, ...bad },
    committed: true,
    expected: 'tx_expired',
  },
  {
    name: 'a tx expiring too far ahead, committed',
    spec: { nonce: 5n, expiresAtMs: t0Ms + txExpiryWindowMs + 1 },
    committed: true,
    expected: 'tx_expiry_too_far',
  },
  {
    name: 'a committed tx with a bad signature, pool full',
    spec: { nonce: 6n, ...bad },
    committed: true,
    full: true,
    expected: 'tx_already_committed',
  },
  {
    name: 'a tx with a bad signature when the pool is full',
    spec: { nonce: 7n, ...bad },
    full: true,
    expected: 'mempool_full',
  },
  {
    name: 'a tx with a bad signature from a denied signer',
    spec: { nonce: 8n, ...bad },
    denied: true,
    expected: 'bad_signature',
  },
  {
    name: 'a valid tx from a denied signer',
    spec: { nonce: 9n },
    denied: true,
    expected: 'role_not_permitted',
  },
];

async function admitCase(c: Case): Promise<{ h: Harness; code: string }> {
  const h = createHarness({ txsMax: 1 });
  if (c.full) await h.mempool.admit([txBytes({ nonce: 1000n, signer: 1 })]);
  if (c.committed) h.committed.add(toHex(idOf(c.spec)));
  if (c.denied) h.deniedSigners.add(0);
  const callsBefore = h.verifyCalls.length;
  const [result] = await h.mempool.admit([txBytes(c.spec)]);
  assert.ok(result !== undefined && result.status === 'rejected');
  // Checks before the signature never spend a verification.
  const verified = h.verifyCalls.length > callsBefore;
  assert.equal(verified, c.expected === 'bad_signature' || c.expected === 'role_not_permitted');
  return { h, code: result.code };
}

describe('mempool admission', () => {
  it('admits a valid transfer and reports its id', async () => {
    const h = createHarness();
    const spec = { nonce: 1n };
    const results = await h.mempool.admit([txBytes(spec)]);
    assert.deepEqual(results, [{ status: 'admitted', txId: idOf(spec) }]);
    assert.equal(h.mempool.size(), 1);
    assert.ok(h.mempool.has(idOf(spec)));
  });

  for (const c of precedence) {
    it(`error: ${c.name} is '${c.expected}'`, async () => {
      const { h, code } = await admitCase(c);
      assert.equal(code, c.expected);
      assert.equal(h.mempool.size(), c.full ? 1 : 0);
    });
  }

  it('error: bad_signature never reaches the permission check', async () => {
    const h = createHarness();
    await h.mempool.admit([txBytes({ nonce: 1n, badSignature: true })]);
    assert.deepEqual(h.permissionChecks, []);
  });

  it('accepts expiry at exactly now + window and refuses one ms later', async () => {
    const h = createHarness();
    const results = await h.mempool.admit([
      txBytes({ nonce: 1n, expiresAtMs: t0Ms + txExpiryWindowMs }),
      txBytes({ nonce: 2n, expiresAtMs: t0Ms + txExpiryWindowMs + 1 }),
      txBytes({ nonce: 3n, expiresAtMs: t0Ms + 1 }),
      txBytes({ nonce: 4n, expiresAtMs: t0Ms }),
    ]);
    assert.deepEqual(codes(results), ['admitted', 'tx_expiry_too_far', 'admitted', 'tx_expired']);
  });

  it('honours a shorter expiry window from the options', async () => {
    const h = createHarness({ expiryWindowMs: 30_000 });
    const results = await h.mempool.admit([
      txBytes({ nonce: 1n, expiresAtMs: t0Ms + 30_000 }),
      txBytes({ nonce: 2n, expiresAtMs: t0Ms + 30_001 }),
    ]);
    assert.deepEqual(codes(results), ['admitted', 'tx_expiry_too_far']);
  });

  it('pins the messages users see', async () => {
    const h = createHarness({ txsMax: 3, perSignerTxsMax: 1 });
    h.deniedSigners.add(3);
    const committedSpec = { nonce: 6n };
    h.committed.add(toHex(idOf(committedSpec)));
    const results = await h.mempool.admit([
      new Uint8Array(txBytesMax + 1),
      encode([1, 2, 3]),
      txBytes({ nonce: 1n, signatureBytes: 63 }),
      txBytes({ nonce: 2n, chainId: 'other' }),
      txBytes({ nonce: 3n, expiresAtMs: t0Ms }),
      txBytes({ nonce: 4n, expiresAtMs: t0Ms + txExpiryWindowMs + 1 }),
      txBytes(committedSpec),
      txBytes({ nonce: 7n, badSignature: true, signer: 1 }),
      txBytes({ nonce: 8n, signer: 3 }),
      txBytes({ nonce: 9n, signer: 3 }),
      txBytes({ nonce: 10n, signer: 2 }),
      txBytes({ nonce: 11n, signer: 1 }),
    ]);
    const pinned = results.map((r) => (r.status === 'rejected' ? [r.code, r.message] : r.status));
    assert.deepEqual(pinned, [
      ['tx_too_large', `transaction is ${txBytesMax + 1} bytes; the limit is ${txBytesMax}`],
      ['tx_malformed', 'tx: expected 2 items, got 3'],
      ['tx_malformed', 'tx.signature: expected 64 bytes, got 63'],
      ['wrong_chain', `transaction is for chain "other"; this node runs "${chainId}"`],
      ['tx_expired', `transaction expired at ${t0Ms} (now ${t0Ms})`],
      ['tx_expiry_too_far', 'transaction expires 600001 ms from now; the limit is 600000 ms'],
      ['tx_already_committed', 'transaction is already committed'],
      ['bad_signature', 'tx.signature: does not verify against tx.signer'],
      ['role_not_permitted', deniedMessage],
      [
        'signer_quota_exceeded',
        'signer has reached its limit of 1 pending transactions; retry after 1000 ms',
      ],
      'admitted',
      [
        'mempool_full',
        `mempool is full (limits: 3 transactions, ${mempoolBytesMax} bytes); retry after 1000 ms`,
      ],
    ]);
    const retry = results.map((r) => (r.status === 'rejected' ? r.retryAfterMs : undefined));
    assert.deepEqual(
      retry.map((ms, i) => (ms === undefined ? undefined : i)).filter((i) => i !== undefined),
      [9, 11],
    );
    assert.deepEqual([retry[9], retry[11]], [1000, 1000]);
  });

  it('reports the id of every transaction that decoded', async () => {
    const h = createHarness();
    const spec = { nonce: 1n, chainId: 'other' };
    const [wrong, malformed] = await h.mempool.admit([
      txBytes(spec),
      txBytes({ nonce: 2n, signatureBytes: 10 }),
    ]);
    assert.deepEqual(wrong?.txId, idOf(spec));
    assert.equal(malformed?.txId, undefined);
  });

  it('error: refuses a batch over admitBatchTxsMax and non-byte items, naming the field', async () => {
    const h = createHarness();
    await assert.rejects(h.mempool.admit(new Array(5001).fill(Uint8Array.of(1))), {
      name: 'RangeError',
      message: 'txBytesList: 5001 transactions exceeds 5000',
    });
    await assert.rejects(h.mempool.admit(['x' as unknown as Uint8Array]), {
      name: 'TypeError',
      message: 'txBytesList[0]: expected bytes',
    });
  });
});
