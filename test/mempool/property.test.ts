// Property: across random admit/reap/commit/evict sequences the pool matches a simple model (same
// contents, same admission codes, same reaped ids), and its counts and bytes equal the sums of its
// contents. The model restates the admission order documented in src/mempool/mempool.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { txBytesMax } from '../../src/ledger/limits.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  codes,
  createHarness,
  type Harness,
  idOf,
  type TxSpec,
  t0Ms,
  txBytes,
} from './fixtures.ts';

const txsMax = 8;
const perSignerTxsMax = 3;
const bytesMax = txBytesMax;
const deniedSigner = 3;

type PoolTx = {
  readonly id: string;
  readonly idBytes: Uint8Array;
  readonly bytes: Uint8Array;
  readonly expiresAtMs: number;
  readonly signer: number;
  readonly bad: boolean;
};

// 24 valid transactions over 4 signers, every fourth one large enough that the byte limit bites, and
// 6 with a bad signature; expiries spread over 8 s.
const pool: readonly PoolTx[] = Array.from({ length: 30 }, (_, i) => {
  const spec: TxSpec = {
    nonce: BigInt(i),
    signer: i % 4,
    expiresAtMs: t0Ms + 1_000 * (1 + ((i * 7) % 8)),
    padBytes: i % 4 === 1 ? 15_000 : 0,
    badSignature: i >= 24,
  };
  return {
    id: toHex(idOf(spec)),
    idBytes: idOf(spec),
    bytes: txBytes(spec),
    expiresAtMs: spec.expiresAtMs!,
    signer: spec.signer!,
    bad: i >= 24,
  };
});

type Op =
  | { kind: 'admit'; indices: number[] }
  | { kind: 'reap'; txsMax: number; bytesMax: number }
  | { kind: 'commit'; indices: number[] }
  | { kind: 'advance'; ms: number; evict: boolean };

const index = fc.nat(pool.length - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('admit'),
      indices: fc.array(index, { minLength: 1, maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reap'),
      txsMax: fc.nat(8),
      bytesMax: fc.nat(70_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('commit'),
      indices: fc.array(index, { maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance'),
      ms: fc.nat(4).map((k) => k * 500),
      evict: fc.boolean(),
    }),
  },
) as fc.Arbitrary<Op>;

/** What the pool should hold: pending txs in arrival order, the replay set and the clock. */
class Model {
  readonly pending = new Map<string, PoolTx>();
  readonly committed = new Set<string>();
  nowMs = t0Ms;

  bytes(): number {
    let total = 0;
    for (const tx of this.pending.values()) total += tx.bytes.length;
    return total;
  }

  signerTxs(signer: number, reserved: readonly PoolTx[]): number {
    const all = [...this.pending.values(), ...reserved];
    return all.filter((tx) => tx.signer === signer).length;
  }

  /** Expected codes, and how many signatures get verified. */
  admit(indices: readonly number[]): { codes: string[]; verified: number } {
    const out: string[] = [];
    const reserved: PoolTx[] = [];
    const firstOf = new Map<string, number>();
    let reservedBytes = 0;
    for (const i of indices) {
      const tx = pool[i]!;
      let code: string;
      if (tx.expiresAtMs <= this.nowMs) code = 'tx_expired';
      else if (this.committed.has(tx.id)) code = 'tx_already_committed';
      else if (this.pending.has(tx.id)) code = 'tx_duplicate';
      else if (firstOf.has(tx.id)) code = `same_as:${firstOf.get(tx.id)}`;
      else if (
        this.pending.size + reserved.length >= txsMax ||
        this.bytes() + reservedBytes + tx.bytes.length > bytesMax
      )
        code = 'mempool_full';
      else if (this.signerTxs(tx.signer, reserved) >= perSignerTxsMax)
        code = 'signer_quota_exceeded';
      else {
        firstOf.set(tx.id, out.length);
        reserved.push(tx);
        reservedBytes += tx.bytes.length;
        code = 'candidate';
      }
      out.push(code);
    }
    reserved.forEach((tx) => {
      const at = firstOf.get(tx.id)!;
      if (tx.bad) out[at] = 'bad_signature';
      else if (tx.signer === deniedSigner) out[at] = 'role_not_permitted';
      else {
        out[at] = 'admitted';
        this.pending.set(tx.id, tx);
      }
    });
    const resolved = out.map((code) => {
      if (!code.startsWith('same_as:')) return code;
      const first = out[Number(code.slice('same_as:'.length))]!;
      return first === 'admitted' ? 'tx_duplicate' : first;
    });
    return { codes: resolved, verified: reserved.length };
  }

  reap(txsMaxReap: number, bytesMaxReap: number): string[] {
    const ids: string[] = [];
    let used = 0;
    for (const tx of this.pending.values()) {
      if (ids.length >= txsMaxReap) break;
      if (tx.expiresAtMs <= this.nowMs || used + tx.bytes.length > bytesMaxReap) continue;
      ids.push(tx.id);
      used += tx.bytes.length;
    }
    return ids;
  }

  evict(): number {
    let evicted = 0;
    for (const [id, tx] of this.pending)
      if (tx.expiresAtMs <= this.nowMs) {
        this.pending.delete(id);
        evicted++;
      }
    return evicted;
  }
}

function checkConsistent(h: Harness, model: Model): void {
  const contents = [...h.mempool.txs()];
  assert.equal(h.mempool.size(), contents.length);
  assert.equal(
    h.mempool.bytes(),
    contents.reduce((n, tx) => n + tx.bytes.length, 0),
  );
  assert.ok(h.mempool.size() <= txsMax && h.mempool.bytes() <= bytesMax);
  assert.deepEqual(
    contents.map((tx) => toHex(tx.id)),
    [...model.pending.keys()],
  );
  assert.equal(h.mempool.bytes(), model.bytes());
  const reapAll = h.mempool.reap(txsMax, bytesMax).map((tx) => toHex(tx.id));
  assert.deepEqual(reapAll, model.reap(txsMax, bytesMax));
}

async function step(h: Harness, model: Model, o: Op): Promise<void> {
  switch (o.kind) {
    case 'admit': {
      const verifiedBefore = h.verifyCalls.length;
      const results = await h.mempool.admit(o.indices.map((i) => pool[i]!.bytes));
      const expected = model.admit(o.indices);
      assert.deepEqual(codes(results), expected.codes);
      const calls = h.verifyCalls.slice(verifiedBefore);
      assert.deepEqual(
        calls.map((c) => c.length),
        expected.verified === 0 ? [] : [expected.verified],
      );
      break;
    }
    case 'reap': {
      const reaped = h.mempool.reap(o.txsMax, o.bytesMax).map((tx) => toHex(tx.id));
      assert.deepEqual(reaped, model.reap(o.txsMax, o.bytesMax));
      break;
    }
    case 'commit': {
      const ids = o.indices.map((i) => pool[i]!.id);
      for (const id of ids) h.committed.add(id);
      const removed = h.mempool.removeCommitted(o.indices.map((i) => pool[i]!.idBytes));
      const expected = new Set(ids.filter((id) => model.pending.has(id))).size;
      for (const id of ids) {
        model.committed.add(id);
        model.pending.delete(id);
      }
      assert.equal(removed, expected);
      break;
    }
    case 'advance': {
      model.nowMs += o.ms;
      h.clock.nowMs = model.nowMs;
      // Without eviction, expired txs stay pending until a later evict (reap must skip them).
      if (o.evict) assert.equal(h.mempool.evictExpired(model.nowMs), model.evict());
      break;
    }
  }
  checkConsistent(h, model);
}

it('pool matches its model; counts and bytes equal the sums of its contents', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 20 }), async (ops) => {
      const h = createHarness({ txsMax, perSignerTxsMax, bytesMax });
      h.deniedSigners.add(deniedSigner);
      const model = new Model();
      for (const o of ops) await step(h, model, o);
    }),
    { numRuns: 80 },
  );
});
