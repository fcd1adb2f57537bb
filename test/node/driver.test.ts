// The consensus driver when a step throws: the engine's state is then unknown, so the driver takes no
// more input and hands the error to the node's fatal stop, instead of an unhandled rejection that
// ends the process with exit code 1 (a validator whose disk filled did that when a proposal arrived
// after the failed write: checking the block read the state tree, which refused).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Input } from '../../src/consensus/index.ts';
import type { ValidatorSet } from '../../src/ledger/validator-set.ts';
import { ConsensusDriver } from '../../src/node/driver.ts';
import { ConsensusLog } from '../../src/node/wal.ts';
import { openStore } from '../../src/storage/index.ts';
import { createSimKey, simVerify } from '../sim/lib/keys.ts';
import { createPayload } from '../sim/lib/payload.ts';
import { Prng } from '../sim/lib/prng.ts';
import { chainId, createGenesis } from '../sim/lib/simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-driver-'));
const store = openStore({ path: dir });
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

it('a step that throws stops the driver and reaches the fatal stop once; later input is ignored', async () => {
  const key = createSimKey(new Prng(7));
  const set: ValidatorSet = {
    epoch: 0,
    validators: [{ suite: 'ed25519', publicKey: key.publicKey, orgId: 'org0' }],
  };
  const refusal = new Error('state tree: the batch of height 3 failed; reopen the tree');
  const fatal: unknown[] = [];
  const payloads: number[] = [];
  const driver = new ConsensusDriver(
    {
      chainId,
      genesis: createGenesis(set),
      genesisValidators: set,
      publicKey: key.publicKey,
      sign: key.sign,
      verify: simVerify,
      // The block check reads state; after a failed write the state tree throws.
      validateBlock: () => {
        throw refusal;
      },
      roundTimeoutMs: 60_000,
      roundTimeoutDoublingsMax: 0,
      syncWindowBlocks: 16,
      syncBlocksMax: 4,
    },
    {
      log: silent,
      wal: new ConsensusLog(store),
      send: () => {},
      broadcast: () => {},
      buildPayload: async (request) => {
        payloads.push(request.round);
        const payload = createPayload([], request.parent.timeMs + 1, 0);
        return { type: 'payload', epoch: request.epoch, round: request.round, payload };
      },
      onCommit: () => {},
      onEvidence: () => {},
      prepareBlock: async () => {},
      onFatal: (error) => fatal.push(error),
    },
  );
  // The only validator leads round 1: it asks for a payload, and proposing it checks the block.
  await driver.restart({ validators: set });
  for (let i = 0; i < 50 && fatal.length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(fatal, [refusal]);
  const steps = driver.steps;
  const timer: Input = { type: 'timer-fired', epoch: 0, round: 1 };
  driver.input(timer);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(driver.steps, steps, 'no step after the failure');
  assert.deepEqual(payloads, [1]);
  assert.equal(fatal.length, 1);
  await driver.close();
});
