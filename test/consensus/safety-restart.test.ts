// Crash safety of the voting rules (docs/consensus.md, "Safety on a page", rule 3): one validator's
// step() driven directly with real Ed25519 keys; after a restart that replays only its persisted log,
// it must not sign a second block in a round it voted in, a block of a lower round, or a lower timeout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Action,
  type ConsensusConfig,
  type ConsensusState,
  createConsensusState,
  decodeMessage,
  encodeMessage,
  type Input,
  type Message,
  type PersistRecord,
  type Proposal,
  step,
} from '../../src/consensus/index.ts';
import { blockHash } from '../../src/consensus/state.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import type { BlockHeader } from '../../src/ledger/block.ts';
import {
  type QuorumCertificate,
  signerBitmap,
  type TimeoutCertificate,
  timeoutMessage,
  type Vote,
  voteMessage,
} from '../../src/ledger/certificate.ts';
import { hashValidatorSet, type ValidatorSet } from '../../src/ledger/validator-set.ts';
import { toHex } from '../../src/util/bytes.ts';
import { createPayload, validateSimBlock } from '../sim/lib/payload.ts';
import { chainId, createGenesis } from '../sim/lib/simulator.ts';

const n = 4;
const ed25519 = getSuite('ed25519');
const keys: KeyPair[] = Array.from({ length: n }, (_, i) =>
  ed25519.keyPairFromSecret(new Uint8Array(32).fill(i + 1)),
);
const set: ValidatorSet = {
  epoch: 0,
  validators: keys.map((k, i) => ({ suite: 'ed25519', publicKey: k.publicKey, orgId: `org${i}` })),
};
const genesis = createGenesis(set);
const rootQc: QuorumCertificate = {
  epoch: 0,
  round: 0,
  height: 0,
  blockHash: blockHash(genesis.header),
  signers: new Uint8Array(1),
  signatures: [],
};
const peer = (i: number): string => toHex(keys[i]!.publicKey);
/** Round r is led by validator r mod n: validator 3 leads neither the rounds used here nor the next. */
const me = 3;

function configFor(i: number): ConsensusConfig {
  const key = keys[i]!;
  return {
    chainId,
    genesis,
    genesisValidators: set,
    publicKey: key.publicKey,
    sign: (message) => ed25519.sign(message, key.secretKey),
    verify: (suite, message, signature, publicKey) =>
      getSuite(suite).verify(message, signature, publicKey),
    validateBlock: validateSimBlock,
    roundTimeoutMs: 100,
    roundTimeoutDoublingsMax: 3,
    syncWindowBlocks: 64,
    syncBlocksMax: 16,
  };
}

/** A validator process: its state and the durable log its persist actions wrote. */
type Validator = { state: ConsensusState; readonly log: PersistRecord[] };

function feed(v: Validator, input: Input): Action[] {
  const result = step(v.state, input);
  v.state = result.state;
  for (const a of result.actions) if (a.type === 'persist') v.log.push(a.record);
  return [...result.actions];
}

/** Boots validator `me` from a log (empty for a first start), as the node does after a crash. */
function boot(log: readonly PersistRecord[]): Validator {
  const v: Validator = { state: createConsensusState(configFor(me)), log: [...log] };
  for (const record of log) v.state = step(v.state, { type: 'replay', record }).state;
  feed(v, { type: 'start' });
  return v;
}

/** Delivers a message from validator `from` through its canonical bytes, as the network would. */
function deliver(v: Validator, from: number, message: Message): Action[] {
  return feed(v, {
    type: 'message',
    from: peer(from),
    message: decodeMessage(encodeMessage(message)),
  });
}

/** A block on genesis for `round`, built and signed by the round's leader; `tag` tells blocks apart. */
function propose(round: number, tag: number, tc: TimeoutCertificate | null): Proposal {
  const payload = createPayload([new Uint8Array([tag])], 0, 0);
  const leader = round % n;
  const header: BlockHeader = {
    chainId,
    height: 1,
    epoch: 0,
    round,
    parentHash: rootQc.blockHash,
    timeMs: payload.timeMs,
    proposer: leader,
    txRoot: payload.txRoot,
    txCount: payload.txCount,
    stateHeight: payload.stateHeight,
    stateRoot: payload.stateRoot,
    resultsRoot: payload.resultsRoot,
    validatorSetHash: hashValidatorSet(set),
    justify: rootQc,
  };
  const message = voteMessage(chainId, 0, round, 1, blockHash(header));
  const signature = ed25519.sign(message, keys[leader]!.secretKey);
  return { type: 'proposal', block: { header, txs: payload.txs }, signature, tc };
}

/** A TC for `round` from validators 0, 1 and 2, each naming the genesis QC (round 0). */
function timeoutCertificate(round: number): TimeoutCertificate {
  const voters = [0, 1, 2];
  const message = timeoutMessage(chainId, 0, round, 0);
  return {
    epoch: 0,
    round,
    signers: signerBitmap(voters, n),
    highQcRounds: voters.map(() => 0),
    signatures: voters.map((i) => ed25519.sign(message, keys[i]!.secretKey)),
  };
}

function votesIn(actions: readonly Action[]): Vote[] {
  return actions.flatMap((a) =>
    a.type === 'send' && a.message.type === 'vote' ? [a.message.vote] : [],
  );
}

function timeoutsIn(actions: readonly Action[]): number[] {
  return actions.flatMap((a) =>
    a.type === 'broadcast' && a.message.type === 'timeout' ? [a.message.timeout.round] : [],
  );
}

function safetyRecords(actions: readonly Action[]): number[] {
  return actions.flatMap((a) =>
    a.type === 'persist' && a.record.kind === 'safety' ? [a.record.lastVotedRound] : [],
  );
}

/**
 * The log with the TC left out of its safety records: the node then restarts in a round below its
 * last vote, where only the lastVotedRound checks stand between it and a second signature.
 */
function withoutTc(log: readonly PersistRecord[]): PersistRecord[] {
  return log.map((r) => (r.kind === 'safety' ? { ...r, highTc: null } : r));
}

/** Votes for `p` and checks that the safety record is persisted before the vote leaves. */
function voteFor(v: Validator, p: Proposal): Vote {
  const actions = deliver(v, p.block.header.proposer, p);
  const votes = votesIn(actions);
  assert.equal(votes.length, 1, 'one vote');
  const vote = votes[0]!;
  assert.deepEqual(vote.blockHash, blockHash(p.block.header));
  assert.equal(vote.round, p.block.header.round);
  const persistAt = actions.findIndex((a) => a.type === 'persist' && a.record.kind === 'safety');
  const sendAt = actions.findIndex((a) => a.type === 'send' && a.message.type === 'vote');
  assert.ok(persistAt >= 0 && persistAt < sendAt, 'the safety record comes before the vote');
  assert.deepEqual(safetyRecords(actions), [vote.round]);
  return vote;
}

/**
 * Offers `p` to `v` and checks that no vote was signed. A second block from the round's leader is an
 * equivocation: the validator may time the round out at once, and that timeout's safety record (for
 * the round it already voted in) is the only one allowed.
 */
function assertRefused(v: Validator, p: Proposal): void {
  const votedBefore = v.state.lastVotedRound;
  const actions = deliver(v, p.block.header.proposer, p);
  assert.deepEqual(votesIn(actions), [], 'no vote');
  const timedOut = actions.some((a) => a.type === 'broadcast' && a.message.type === 'timeout');
  assert.deepEqual(safetyRecords(actions), timedOut ? [votedBefore] : [], 'no new safety record');
  assert.equal(v.state.lastVotedRound, votedBefore);
}

test('a restarted validator refuses a second block in the round it voted in', () => {
  const b = propose(1, 1, null);
  const conflicting = propose(1, 2, null);
  assert.notDeepEqual(blockHash(b.block.header), blockHash(conflicting.block.header));
  // Control: a validator that never voted accepts the conflicting block, so it is valid in itself.
  voteFor(boot([]), conflicting);

  const first = boot([]);
  voteFor(first, b);
  const restarted = boot(first.log);
  assert.equal(restarted.state.round, 1);
  assert.equal(restarted.state.lastVotedRound, 1);
  assert.equal(restarted.state.blocks.size, 1, 'the restarted node holds the block it voted for');
  assertRefused(restarted, conflicting);
  assertRefused(restarted, b);
});

test('a restarted validator refuses a block of a round below its last vote', () => {
  const low = propose(1, 3, null);
  voteFor(boot([]), low);

  // A TC of round 4 lets the leader of round 5 extend genesis directly: the vote for it persists
  // lastVotedRound 5 with the genesis QC and the TC, so a restart resumes in round 5; without the
  // TC the node is back in round 1.
  const first = boot([]);
  voteFor(first, propose(5, 4, timeoutCertificate(4)));
  assert.equal(boot(first.log).state.round, 5, 'the logged TC restores the round');
  const restarted = boot(withoutTc(first.log));
  assert.equal(restarted.state.round, 1);
  assert.equal(restarted.state.lastVotedRound, 5);
  assertRefused(restarted, low);
});

test('a restarted validator does not time out a round below its last vote', () => {
  const fresh = boot([]);
  assert.deepEqual(timeoutsIn(feed(fresh, { type: 'timer-fired', epoch: 0, round: 1 })), [1]);

  const first = boot([]);
  voteFor(first, propose(5, 5, timeoutCertificate(4)));
  const restarted = boot(withoutTc(first.log));
  assert.equal(restarted.state.round, 1);
  const actions = feed(restarted, { type: 'timer-fired', epoch: 0, round: 1 });
  assert.deepEqual(timeoutsIn(actions), [], 'no timeout signed for round 1');
  assert.deepEqual(safetyRecords(actions), []);
  assert.equal(restarted.state.lastVotedRound, 5);
});

test('a restarted validator resumes in the round of its logged TC and times it out', () => {
  const first = boot([]);
  voteFor(first, propose(5, 7, timeoutCertificate(4)));
  const restarted = boot(first.log);
  assert.equal(restarted.state.round, 5);
  const actions = feed(restarted, { type: 'timer-fired', epoch: 0, round: 5 });
  assert.deepEqual(timeoutsIn(actions), [5]);
  assert.deepEqual(safetyRecords(actions), [5]);
});

test('a restarted validator may still time out the round it voted in', () => {
  const first = boot([]);
  voteFor(first, propose(1, 6, null));
  const restarted = boot(first.log);
  const actions = feed(restarted, { type: 'timer-fired', epoch: 0, round: 1 });
  assert.deepEqual(timeoutsIn(actions), [1]);
  assert.deepEqual(safetyRecords(actions), [1]);
});
