// The Byzantine test mode's pure pieces: the config gate, the blocks and votes it forges (signed with
// the validator's real key), how it rewrites what the honest engine sends, and its junk frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, Proposal } from '../../../src/consensus/index.ts';
import { merkleRoot } from '../../../src/crypto/merkle.ts';
import { getSuite } from '../../../src/crypto/suites.ts';
import { hashHeader } from '../../../src/ledger/block.ts';
import { txBytesMax } from '../../../src/ledger/limits.ts';
import { decodeTransaction } from '../../../src/ledger/tx.ts';
import { parseTestingConfig } from '../../../src/node/byzantine/config.ts';
import { floodFrame, floodFrameKinds } from '../../../src/node/byzantine/flood.ts';
import {
  conflictingVote,
  equivocatingProposal,
  invalidBlockKinds,
  invalidProposal,
} from '../../../src/node/byzantine/forge.ts';
import { Rewriter } from '../../../src/node/byzantine/rewrite.ts';
import { decodeFrame } from '../../../src/node/wire.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { TallyError } from '../../../src/util/errors.ts';
import { chainId, forgeKey, proposal, validatorKeys, verifiesAsVote } from './fixtures.ts';

const on = { TALLY_TESTING_BYZANTINE: '1' };

function proposalVote(p: Proposal) {
  const h = p.block.header;
  return {
    epoch: h.epoch,
    round: h.round,
    height: h.height,
    blockHash: hashHeader(h),
    signature: p.signature,
  };
}

describe('byzantine config', () => {
  it('reads the behaviours and the flood rate when the environment allows it', () => {
    const t = parseTestingConfig(
      { byzantine: ['flood', 'equivocate', 'flood'], floodFramesPerSecond: 5 },
      'test',
      on,
    );
    assert.deepEqual(t?.byzantine, {
      behaviours: ['equivocate', 'flood'],
      floodFramesPerSecond: 5,
    });
    assert.equal(parseTestingConfig(undefined, 'test', on), undefined);
    assert.deepEqual(parseTestingConfig({}, 'test', {}), { byzantine: undefined });
  });

  it('error: refuses a Byzantine config without TALLY_TESTING_BYZANTINE=1', () => {
    assert.throws(
      () => parseTestingConfig({ byzantine: ['withhold-votes'] }, 'node.json', {}),
      (e: unknown) =>
        e instanceof TallyError &&
        e.code === 'byzantine_mode_refused' &&
        e.message ===
          'config testing.byzantine (node.json) makes this validator faulty on purpose; it is ' +
            'only for fault tests and needs TALLY_TESTING_BYZANTINE=1 in the environment',
    );
  });

  it('error: an unknown behaviour, an empty list, a bad flood rate, an unknown key', () => {
    const refused = (value: unknown, message: RegExp) =>
      assert.throws(
        () => parseTestingConfig(value, 'node.json', on),
        (e: unknown) =>
          e instanceof TallyError && e.code === 'config_invalid' && message.test(e.message),
      );
    refused({ byzantine: ['lie'] }, /unknown behaviour "lie"/);
    refused({ byzantine: [] }, /expected a non-empty list/);
    refused({ byzantine: ['flood'], floodFramesPerSecond: 0 }, /floodFramesPerSecond/);
    refused({ chaos: true }, /testing\.chaos .*unknown key/);
  });
});

describe('byzantine forgeries', () => {
  const p = proposal(7, 3);

  it('equivocates with a second valid block for the same round, signed by the same key', () => {
    const second = equivocatingProposal(forgeKey(3), p);
    const a = proposalVote(p);
    const b = proposalVote(second);
    assert.equal(b.round, a.round);
    assert.ok(!bytesEqual(a.blockHash, b.blockHash));
    assert.ok(verifiesAsVote(a, 3));
    assert.ok(verifiesAsVote(b, 3));
    assert.deepEqual(second.block.txs, p.block.txs);
  });

  it('votes a second time in the round, for a block that does not exist', () => {
    const vote = { ...proposalVote(p), voter: 3 };
    const other = conflictingVote(forgeKey(3), vote);
    assert.equal(other.round, vote.round);
    assert.ok(!bytesEqual(other.blockHash, vote.blockHash));
    assert.ok(verifiesAsVote(other, 3));
  });

  it('signs each kind of invalid block with the real key and breaks what it names', () => {
    for (const kind of invalidBlockKinds) {
      const bad = invalidProposal(forgeKey(3), p, kind);
      const h = bad.block.header;
      assert.ok(verifiesAsVote(proposalVote(bad), 3), `${kind}: signed`);
      assert.ok(!bytesEqual(hashHeader(h), hashHeader(p.block.header)), `${kind}: another block`);
      if (kind === 'state-root') assert.ok(!bytesEqual(h.stateRoot, p.block.header.stateRoot));
      if (kind === 'state-height') assert.equal(h.stateHeight, h.height);
      if (kind === 'bad-parent') assert.ok(!bytesEqual(h.parentHash, p.block.header.parentHash));
    }
  });

  it('adds a transaction whose signature fails, with a consistent txRoot and txCount', () => {
    const bad = invalidProposal(forgeKey(3), p, 'bad-tx-signature');
    const txs = bad.block.txs.map(decodeTransaction);
    assert.equal(bad.block.header.txCount, 1);
    assert.ok(bytesEqual(bad.block.header.txRoot, merkleRoot(txs.map((t) => t.id))));
    const tx = txs[0]!;
    assert.equal(tx.chainId, chainId);
    assert.ok(bytesEqual(tx.signer, validatorKeys[3]!.publicKey));
    assert.equal(getSuite('ed25519').verify(tx.id, tx.signature, tx.signer), false);
  });
});

describe('byzantine rewriting', () => {
  const peers = ['p0', 'p1', 'p2'];
  const vote: Message = { type: 'vote', vote: { ...proposalVote(proposal(5, 1)), voter: 3 } };
  const timeout: Message = {
    type: 'timeout',
    timeout: { epoch: 0, round: 5, highQcRound: 4, voter: 3, signature: new Uint8Array(64) },
    highQc: proposal(5, 1).block.header.justify,
  };
  const rewriter = (behaviours: ConstructorParameters<typeof Rewriter>[0]['behaviours']) =>
    new Rewriter({ behaviours, key: forgeKey(3), peers });

  it('withholds votes and timeouts, and passes everything else', () => {
    const r = rewriter(['withhold-votes', 'equivocate']);
    assert.deepEqual(r.rewrite(vote, 'p1'), []);
    assert.deepEqual(r.rewrite(timeout, undefined), []);
    const sync: Message = { type: 'sync-request', fromHeight: 3 };
    assert.deepEqual(r.rewrite(sync, 'p2'), [{ to: 'p2', message: sync }]);
  });

  it('sends its real vote, then a conflicting one, to the next leader', () => {
    const out = rewriter(['equivocate']).rewrite(vote, 'p1');
    assert.equal(out.length, 2);
    assert.equal(out[0]!.message, vote);
    const second = out[1]!.message as Extract<Message, { type: 'vote' }>;
    assert.equal(out[1]!.to, 'p1');
    assert.ok(verifiesAsVote(second.vote, 3));
  });

  it('gives half the peers one block first and the rest the other, then each the second', () => {
    const p = proposal(7, 3);
    const out = rewriter(['equivocate']).rewrite(p, undefined);
    assert.deepEqual(
      out.map((o) => o.to),
      ['p0', 'p0', 'p1', 'p1', 'p2', 'p2'],
    );
    const first = out.filter((_, i) => i % 2 === 0).map((o) => o.message === p);
    assert.deepEqual(first, [true, true, false]);
    for (let i = 0; i < out.length; i += 2) assert.notEqual(out[i]!.message, out[i + 1]!.message);
  });

  it('alternates equivocation with each kind of invalid block in turn', () => {
    const r = rewriter(['equivocate', 'invalid-proposals']);
    const plans = Array.from({ length: 8 }, () => r.nextLeaderPlan());
    assert.deepEqual(plans, [
      'equivocate',
      'state-root',
      'equivocate',
      'state-height',
      'equivocate',
      'bad-tx-signature',
      'equivocate',
      'bad-parent',
    ]);
    assert.equal(rewriter(['flood']).nextLeaderPlan(), 'honest');
  });
});

describe('byzantine flood frames', () => {
  let counter = 0;
  const ctx = {
    key: forgeKey(3),
    position: { epoch: 0, round: 12, height: 40 },
    validatorCount: 4,
    random: (n: number) => new Uint8Array(n).map(() => (counter++ * 37) & 0xff),
    nowMs: 1_767_225_600_000,
    nonce: 1n,
  };

  it('sends frames no honest node accepts', () => {
    for (const kind of floodFrameKinds) {
      const frame = floodFrame(kind, ctx);
      if (kind === 'forged-vote') {
        const decoded = decodeFrame(frame);
        assert.equal(decoded.type, 'consensus');
        const m = (decoded as { message: Message }).message as Extract<Message, { type: 'vote' }>;
        assert.equal(m.vote.round, 12);
        assert.equal(verifiesAsVote(m.vote, m.vote.voter), false);
      } else if (kind === 'badly-signed-tx') {
        const decoded = decodeFrame(frame) as { type: 'txs'; txs: Uint8Array[] };
        const tx = decodeTransaction(decoded.txs[0]!);
        assert.equal(getSuite('ed25519').verify(tx.id, tx.signature, tx.signer), false);
      } else {
        assert.throws(() => decodeFrame(frame), `${kind} is refused at decoding`);
      }
    }
  });

  it('oversizes a gossiped transaction by one byte over the limit', () => {
    assert.ok(floodFrame('oversized-tx', ctx).length > txBytesMax + 1);
  });
});
