// The node's evidence store on a real LMDB file: only verified evidence is kept, once per
// (epoch, round, validator), served newest first in pages, and still there after a reopen.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Evidence } from '../../src/consensus/index.ts';
import { hashHeader } from '../../src/ledger/block.ts';
import type { Vote } from '../../src/ledger/certificate.ts';
import { equivocatingProposal } from '../../src/node/byzantine/forge.ts';
import { EvidenceStore } from '../../src/node/evidence-store.ts';
import { openStore } from '../../src/storage/index.ts';
import { chainId, forgeKey, proposal, validators, verify } from './byzantine/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-evidence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Validator `voter` signs two blocks for `round`: real, verifiable evidence. */
function doubleProposal(round: number, voter: number): Evidence {
  const a = proposal(round, voter);
  const b = equivocatingProposal(forgeKey(voter), a);
  const vote = (p: typeof a): Vote => ({
    epoch: p.block.header.epoch,
    round,
    height: p.block.header.height,
    blockHash: hashHeader(p.block.header),
    voter,
    signature: p.signature,
  });
  return { kind: 'double-proposal', first: vote(a), second: vote(b) };
}

const ctx = (height: number) => ({
  chainId,
  validators,
  verify,
  seenAtHeight: height,
  seenAtMs: 1_767_225_600_000 + height,
});

describe('evidence store', () => {
  const path = join(dir, 'ledger');

  it('keeps verified evidence once per validator and round, newest first', async () => {
    const store = openStore({ path });
    const evidence = new EvidenceStore(store);
    assert.equal(await evidence.save(doubleProposal(3, 1), ctx(10)), 'saved');
    assert.equal(await evidence.save(doubleProposal(3, 1), ctx(11)), 'duplicate');
    assert.equal(await evidence.save(doubleProposal(7, 2), ctx(12)), 'saved');
    assert.equal(await evidence.save(doubleProposal(11, 1), ctx(13)), 'saved');
    assert.equal(evidence.count(), 3);
    const page = evidence.list({ limit: 2 });
    assert.deepEqual(
      page.items.map((e) => [e.seq, e.evidence.first.round, e.orgId, e.seenAtHeight]),
      [
        [3, 11, 'org-1', 13],
        [2, 7, 'org-2', 12],
      ],
    );
    assert.equal(page.next, 2);
    const rest = evidence.list({ limit: 2, before: 2 });
    assert.deepEqual(
      rest.items.map((e) => e.seq),
      [1],
    );
    assert.equal(rest.next, undefined);
    await store.close();
  });

  it('error: refuses evidence whose signatures do not verify, or from outside the set', async () => {
    const store = openStore({ path: join(dir, 'other') });
    const evidence = new EvidenceStore(store);
    const real = doubleProposal(5, 0);
    const forged: Evidence = {
      ...real,
      second: { ...real.second, signature: new Uint8Array(64) },
    };
    assert.deepEqual(await evidence.save(forged, ctx(1)), {
      refused: 'bad signature on the vote for round 5',
    });
    const stranger: Evidence = {
      ...real,
      first: { ...real.first, voter: 9 },
      second: { ...real.second, voter: 9 },
    };
    assert.deepEqual(await evidence.save(stranger, ctx(1)), {
      refused: 'voter outside the validator set',
    });
    assert.equal(evidence.count(), 0);
    await store.close();
  });

  it('still holds its evidence after the store is reopened, and numbers on from there', async () => {
    const store = openStore({ path });
    const evidence = new EvidenceStore(store);
    assert.equal(evidence.count(), 3);
    assert.equal(await evidence.save(doubleProposal(3, 1), ctx(20)), 'duplicate');
    assert.equal(await evidence.save(doubleProposal(15, 3), ctx(21)), 'saved');
    assert.deepEqual(
      evidence.list({ limit: 10 }).items.map((e) => e.seq),
      [4, 3, 2, 1],
    );
    await store.close();
  });
});
