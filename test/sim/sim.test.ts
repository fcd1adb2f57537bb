// The simulator inside npm test: 200 random seeds (n in {4, 7, 10}, network faults, crashes,
// Byzantine validators), then targeted scenarios: restarts, epoch changes, evidence, timeouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyEvidence } from '../../src/consensus/index.ts';
import { createSimKey, simVerify } from './lib/keys.ts';
import { Prng } from './lib/prng.ts';
import { calmScenario, randomScenario } from './lib/scenario.ts';
import { chainId, runSeed, Simulator } from './lib/simulator.ts';

const seedsInTest = 200;

test(`${seedsInTest} random seeds keep agreement, validity and liveness after the heal`, () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= seedsInTest; seed++) {
    const result = runSeed(randomScenario(seed));
    if (!result.ok) failures.push(`seed ${seed}: ${result.failure}; reproduce with --seed=${seed}`);
  }
  assert.deepEqual(failures, []);
});

/** Runs seeds drawn by the random generator and returns the failures, each with its seed. */
function failuresOf(seeds: readonly number[]): string[] {
  return seeds.flatMap((seed) => {
    const result = runSeed(randomScenario(seed));
    return result.ok ? [] : [`seed ${seed}: ${result.failure}`];
  });
}

test('liveness: a validator that committed before a partition takes a sync tail starting below its tip (seed 3255)', () => {
  // n = 10: three validators committed height 1 just before the partition; the others certified 80
  // blocks above it without committing, and their sync tails began at height 1.
  assert.deepEqual(failuresOf([3255]), []);
});

test('liveness: validators restarted below their last voted round time out again (seeds 4906, 5198, 6799)', () => {
  // n = 4: two validators signed a timeout in the round after a TC, crashed and lost the TC; back in
  // an older round they could neither vote nor time out, and the other two could not form a TC.
  assert.deepEqual(failuresOf([4906, 5198, 6799]), []);
});

test('liveness: every validator restarts at once, from its log alone, and the chain goes on', () => {
  // Validator 1 is down, so rounds it leads time out; the other three crash together and come back
  // holding only their logs: the certified block above the committed tip and the TC of their round
  // must be in them, or no leader can propose and no TC can form again.
  const failures = [150, 345, 680].flatMap((atMs) => {
    const crashes = [
      { node: 1, atMs: 0, restartMs: 1000 },
      ...[0, 2, 3].map((node) => ({ node, atMs, restartMs: atMs + 5 })),
    ];
    const result = runSeed({ ...calmScenario(9, 4), crashes, healMs: 1000 });
    return result.ok ? [] : [`crash at ${atMs} ms: ${result.failure}`];
  });
  assert.deepEqual(failures, []);
});

test('a QC reaches every validator as it forms: all commit a block within one network delay of each other', () => {
  // The leader's payload takes 40 ms (its block interval) and messages 1 to 10 ms. Were the QC only
  // in the next proposal, the validators that did not form it would commit each block 41 to 50 ms
  // after the one that did.
  const scenario = { ...calmScenario(21, 4), payloadDelayMs: 40 };
  const sim = new Simulator(scenario);
  const commitSpreadsMs = commitSpreads(sim);
  assert.equal(sim.run().failure, null);
  const spreads = commitSpreadsMs();
  assert.ok(spreads.length >= 10, `${spreads.length} blocks committed by every validator`);
  assert.ok(
    spreads.every((ms) => ms <= scenario.delayMsMax),
    `commit spreads (ms): ${spreads.join(' ')}`,
  );
});

/** For each height every node committed: the time between its first and its last commit. */
function commitSpreads(sim: Simulator): () => number[] {
  const commits = new Map<number, number[]>();
  sim.commitTap = (_node, height, atMs) => {
    commits.set(height, [...(commits.get(height) ?? []), atMs]);
  };
  return () =>
    [...commits.values()]
      .filter((times) => times.length === sim.nodes.length)
      .map((times) => Math.max(...times) - Math.min(...times));
}

test('a QC that arrives before its block asks for no sync: the block is on its way', () => {
  // With delays up to 30 ms, a validator sometimes gets the QC on a block before the block itself. It
  // commits when the proposal arrives; a sync request would have the leader send the block twice.
  for (const seed of [21, 22, 23, 24]) {
    const scenario = { ...calmScenario(seed, 4), delayMsMax: 30, payloadDelayMs: 50 };
    const sim = new Simulator(scenario);
    const sent = { syncRequests: 0, syncInfos: 0 };
    sim.tap = (message) => {
      if (message.type === 'sync-request') sent.syncRequests++;
      if (message.type === 'sync-info') sent.syncInfos++;
    };
    const spreads = commitSpreads(sim);
    assert.equal(sim.run().failure, null);
    assert.equal(sent.syncRequests, 0, `seed ${seed}`);
    assert.ok(sent.syncInfos >= 3 * 20, `seed ${seed}: every QC went to all three others`);
    assert.ok(
      spreads().every((ms) => ms <= scenario.delayMsMax),
      `seed ${seed}: commit spreads (ms): ${spreads().join(' ')}`,
    );
  }
});

test('one seed reproduces exactly', () => {
  const a = runSeed(randomScenario(77));
  const b = runSeed(randomScenario(77));
  assert.deepEqual(
    [a.events, a.virtualMs, a.committedMin],
    [b.events, b.virtualMs, b.committedMin],
  );
});

test('restarted validators never sign two blocks in one round, across many crashes', () => {
  const crashes = Array.from({ length: 40 }, (_, k) => ({
    node: 1 + (k % 3),
    atMs: 20 + k * 29,
    restartMs: 20 + k * 29 + 9,
  }));
  const scenario = {
    ...calmScenario(5, 4),
    crashes,
    byzantine: new Map([[0, 'equivocate' as const]]),
    healMs: 1200,
  };
  const sim = new Simulator(scenario);
  const result = sim.run();
  assert.equal(result.failure, null);
  assert.ok(sim.checker.votesSigned > 100, 'honest validators signed votes');
});

test('epoch change: a validator is added, then one is removed', () => {
  const scenario = {
    ...calmScenario(11, 4),
    spares: 1,
    setChanges: [
      { atMs: 150, members: [0, 1, 2, 3, 4] },
      { atMs: 700, members: [0, 1, 2, 4] },
    ],
    healMs: 700,
    livenessBlocks: 10,
  };
  const sim = new Simulator(scenario);
  const result = sim.run();
  assert.equal(result.failure, null);
  const changes = sim.checker.epochChanges;
  assert.deepEqual(
    changes.map((c) => c.set.validators.length),
    [5, 4],
  );
  assert.ok(changes[1]!.height > changes[0]!.height);
  const added = sim.nodes[4]!.state!;
  assert.equal(added.epoch, 2);
  assert.equal(added.myIndex, 3, 'the added validator is a member of the last set');
  assert.equal(sim.nodes[3]!.state!.myIndex, -1, 'the removed validator only follows');
  assert.ok(
    sim.checker.committedMin() > changes[1]!.height,
    'every node commits past the second change',
  );
});

test('evidence: an equivocating proposer is caught with a double proposal', () => {
  const scenario = { ...calmScenario(3, 4), byzantine: new Map([[2, 'equivocate' as const]]) };
  const sim = new Simulator(scenario);
  const result = sim.run();
  assert.equal(result.failure, null);
  const found = result.evidence.filter((e) => e.kind === 'double-proposal');
  assert.ok(found.length > 0, 'double proposals reported');
  for (const e of found) {
    assert.equal(e.first.voter, 2);
    assert.deepEqual(
      verifyEvidence(e, sim.nodes[0]!.config.genesisValidators, chainId, simVerify),
      { ok: true },
    );
  }
});

test('evidence: a validator voting for two blocks is caught with a double vote', () => {
  const scenario = { ...calmScenario(4, 4), byzantine: new Map([[1, 'conflict' as const]]) };
  const result = runSeed(scenario);
  assert.equal(result.failure, null);
  const found = result.evidence.filter((e) => e.kind === 'double-vote');
  assert.ok(found.length > 0, 'double votes reported');
  assert.ok(found.every((e) => e.first.voter === 1));
});

test('a TC lets progress resume past a silent leader', () => {
  const scenario = {
    ...calmScenario(9, 4),
    crashes: [{ node: 1, atMs: 0, restartMs: 3000 }],
    healMs: 3000,
  };
  const sim = new Simulator(scenario);
  const result = sim.run();
  assert.equal(result.failure, null);
  assert.ok(sim.checker.tcJustifiedCommits > 0, 'blocks after a timed-out round committed');
  assert.ok(
    sim.checker.committedMax() > 30,
    'the others kept committing while the leader was down',
  );
});

test('invalid proposals from a Byzantine leader never commit', () => {
  const scenario = {
    ...calmScenario(6, 7),
    byzantine: new Map([
      [3, 'invalid' as const],
      [5, 'delay' as const],
    ]),
  };
  const result = runSeed(scenario);
  assert.equal(result.failure, null);
});

test('error: the simulator refuses a remembered signature once its bytes are altered', () => {
  const key = createSimKey(new Prng(1));
  const message = new Uint8Array(32).fill(9);
  const signature = key.sign(message);
  assert.equal(simVerify('ed25519', message, signature, key.publicKey), true);
  signature[0]! ^= 1;
  assert.equal(simVerify('ed25519', message, signature, key.publicKey), false);
  signature[0]! ^= 1;
  message[0]! ^= 1;
  assert.equal(simVerify('ed25519', message, signature, key.publicKey), false);
});
