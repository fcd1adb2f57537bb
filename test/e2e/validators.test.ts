// Changing the validator set on real processes: five organisations (four validators and the PH
// regulator's observer). A proposal adds the observer as a fifth validator; once four of five
// organisations approve, every node enters epoch 2 at the same block and the former observer signs
// certificates. A second change drops a validator while another is down; that node catches up
// across the epoch boundary, a killed node restarts into the right epoch, and all agree on state.
// Last, a wiped node restores a snapshot of epoch 3, checked through the proofs of both hand-overs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import { signerIndexes } from '../../src/ledger/certificate.ts';
import { genesisValidatorSet } from '../../src/node/genesis.ts';
import {
  accountFromSecretKey,
  buildTransaction,
  type Client,
  createClient,
  getBlock,
  getEpochs,
  getStatus,
  getValidators,
  type LocalAccount,
  signTransaction,
  submitTransactions,
  verifyBlockInEpochs,
  verifyEpochChain,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { eventually, TestNetwork } from './harness.ts';

const timeoutMs = 60_000;

describe('validator-set changes, five organisations', { timeout: 420_000 }, () => {
  let net: TestNetwork;
  let operators: LocalAccount[];
  let nodeIds: string[];

  const clientOf = (node: number, account: LocalAccount): Client =>
    createClient({ url: net.nodes[node]!.apiUrl, account, chainId: net.genesis.chainId });

  /** Signs a governance call with organisation `org`'s operator key, submits it at `node`, waits. */
  async function govern(org: number, method: string, args: CborValue, node = 0) {
    const account = operators[org]!;
    const tx = signTransaction(
      account,
      buildTransaction({ chainId: net.genesis.chainId, module: 'governance', method, args }),
    );
    const client = clientOf(node, account);
    const { results } = await submitTransactions(client, { transactions: [tx] });
    assert.equal(results[0]!.status, 'admitted', results[0]!.message);
    return waitForTransaction(client, { txId: tx.txId, timeoutMs });
  }

  async function heightAt(node: number): Promise<number> {
    return (await getStatus(clientOf(node, operators[0]!))).height;
  }

  /** Waits until node `node` reports `epoch` and a set of `size` validators. */
  async function epochAt(node: number, epoch: number, size: number) {
    await eventually(
      async () => {
        const client = clientOf(node, operators[0]!);
        const status = await getStatus(client);
        const { validatorSet } = await getValidators(client);
        return status.epoch === epoch &&
          validatorSet.epoch === epoch &&
          validatorSet.validators.length === size
          ? true
          : undefined;
      },
      timeoutMs,
      `${nodeIds[node]} in epoch ${epoch} with ${size} validators`,
    );
  }

  /** Proposes `validators`, waits out the approval delay, then approves with `approvers`. */
  async function changeSet(validators: string[], approvers: number[], node: number) {
    const proposed = await govern(0, 'propose_validators', { validators, note: 'test' }, node);
    assert.equal(proposed.code, 'ok', proposed.message);
    const event = proposed.events.find((e) => e.type === 'validators_proposed');
    const id = event?.attributes.id;
    assert.ok(typeof id === 'number', 'the proposal event names its id');
    await eventually(
      async () => ((await heightAt(node)) >= proposed.height + 4 ? true : undefined),
      timeoutMs,
      'the approval delay',
    );
    const codes: string[] = [];
    for (const org of approvers) {
      codes.push((await govern(org, 'approve_validators', { proposalId: id }, node)).code);
    }
    assert.deepEqual(
      codes,
      approvers.map(() => 'ok'),
    );
  }

  before(async () => {
    net = await TestNetwork.create(5);
    net.startAll();
    await net.waitAllReady(timeoutMs);
    operators = net.genesis.organizations.map((_, i) =>
      accountFromSecretKey('ed25519', net.clientKey(i).secretKey),
    );
    nodeIds = net.genesis.nodes.map((n) => n.nodeId);
    assert.deepEqual(
      net.genesis.nodes.map((n) => n.kind),
      ['validator', 'validator', 'validator', 'validator', 'observer'],
    );
  });
  after(() => net?.close());

  it('adds the observer as a fifth validator, and it signs certificates', async () => {
    await changeSet(nodeIds, [0, 1, 2, 3], 0);
    for (let i = 0; i < 5; i++) await epochAt(i, 2, 5);
    // Leaders rotate over the five: within a few blocks a certificate carries the new member's vote.
    const client = clientOf(0, operators[0]!);
    const start = await heightAt(0);
    await eventually(
      async () => {
        const tip = await heightAt(0);
        for (let h = Math.max(start, tip - 5); h <= tip; h++) {
          const block = await getBlock(client, { height: h });
          const qc = block.qc;
          if (qc === null || block.header.epoch !== 2) continue;
          if (signerIndexes(qc.signers).includes(4)) return true;
        }
        return undefined;
      },
      timeoutMs,
      'a certificate signed by the fifth validator',
    );
  });

  it('drops a validator while another is down; the lagging and the dropped nodes follow', async () => {
    await net.stop(1);
    await changeSet([nodeIds[1]!, nodeIds[2]!, nodeIds[3]!, nodeIds[4]!], [0, 2, 3, 4], 2);
    for (const i of [0, 2, 3, 4]) await epochAt(i, 3, 4);
    // Node 1 was down for the change: it catches up across the boundary and is a validator again.
    net.start(1);
    await net.waitReady(1, timeoutMs);
    await epochAt(1, 3, 4);
    // The dropped validator keeps following the chain.
    const before = await heightAt(0);
    await eventually(
      async () => ((await heightAt(0)) > before + 3 ? true : undefined),
      timeoutMs,
      'node 0 following',
    );
  });

  it('a validator killed in epoch 3 restarts into it, and every node agrees on state', async () => {
    await net.kill(3);
    net.start(3);
    await net.waitReady(3, timeoutMs);
    await epochAt(3, 3, 4);
    const client = clientOf(3, operators[0]!);
    const target = (await heightAt(3)) + 2;
    const roots = await Promise.all(
      net.nodes.map((_, i) =>
        eventually(
          async () => {
            const c = clientOf(i, operators[0]!);
            const status = await getStatus(c);
            if (status.executedHeight < target) return undefined;
            const block = await getBlock(c, { height: target });
            return block.hash;
          },
          timeoutMs,
          `${nodeIds[i]} at height ${target}`,
        ),
      ),
    );
    assert.equal(new Set(roots).size, 1, `one block at ${target}: ${roots.join(', ')}`);
    assert.equal((await getBlock(client, { height: target })).header.epoch, 3);
  });

  it('a light client follows both hand-overs from the genesis set, on every node', async () => {
    const genesisSet = genesisValidatorSet(net.genesis);
    const { chainId } = net.genesis;
    for (let i = 0; i < net.nodes.length; i++) {
      const client = clientOf(i, operators[0]!);
      // Node 1 caught up across the second hand-over and node 3 restarted: each holds both proofs.
      const epochs = verifyEpochChain({ chainId, genesisSet, epochs: await getEpochs(client) });
      assert.deepEqual(
        epochs.map((e) => [e.epoch, e.validatorSet.validators.length]),
        [
          [1, 4],
          [2, 5],
          [3, 4],
        ],
        nodeIds[i],
      );
      for (const epoch of epochs.slice(1)) {
        const block = await getBlock(client, { height: epoch.startHeight });
        assert.equal(verifyBlockInEpochs({ block, epochs, chainId }).epoch, epoch.epoch);
      }
    }
  });

  it('a new node restores a snapshot of epoch 3, following both hand-overs from genesis', async () => {
    // Node 0 left the set in epoch 3: wiped, it starts as a new node would, from a peer's snapshot.
    const wiped = 0;
    assert.equal(await net.stop(wiped), 0);
    net.wipe(wiped);
    net.amendConfig(wiped, { stateSync: { enabled: true } });
    net.start(wiped);
    await net.waitReady(wiped, timeoutMs);
    const restoredLine = net
      .logOf(wiped)
      .split('\n')
      .find((l) => l.includes('"msg":"state restored"'));
    assert.ok(
      restoredLine !== undefined,
      'the node restored a snapshot, not replayed from genesis',
    );
    const restored = (JSON.parse(restoredLine) as { height: number }).height;
    const client = clientOf(wiped, operators[0]!);
    const genesisSet = genesisValidatorSet(net.genesis);
    const { chainId } = net.genesis;
    // The proofs came with the snapshot: the new node proves both hand-overs to a light client.
    const epochs = verifyEpochChain({ chainId, genesisSet, epochs: await getEpochs(client) });
    assert.deepEqual(
      epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    assert.ok(restored >= epochs[2]!.startHeight, `restored at ${restored}, within epoch 3`);
    await epochAt(wiped, 3, 4);
    // It follows the chain past the snapshot, block for block with the others.
    const target = (await heightAt(1)) + 2;
    const hashes = await Promise.all(
      [wiped, 1].map((i) =>
        eventually(
          async () => {
            const c = clientOf(i, operators[0]!);
            if ((await getStatus(c)).executedHeight < target) return undefined;
            return (await getBlock(c, { height: target })).hash;
          },
          timeoutMs,
          `${nodeIds[i]} at height ${target}`,
        ),
      ),
    );
    assert.equal(hashes[0], hashes[1], `block ${target}`);
  });
});
