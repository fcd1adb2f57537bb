// What one remittance.send costs the execution alone, apart from the network, the state tree and
// LMDB: blocks of sends, each settled in the same transaction by the receiving wallet's auto-accept
// policy, run by the node's module set over an in-memory state (test/remittance/harness.ts). Every
// validator pays this for every remittance, so it bounds what four of them can finalise on one
// machine. The quote's signature is a remembered check, as on a node that verified it in parallel
// when the transaction arrived (tally_carried_signature_checks_total{outcome="pre_verified"}).
// Then the same blocks' state changes go through a real state tree in LMDB, as a node commits them:
// what each validator pays again for every send in tree nodes, hashing and durable writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyArgs } from '../src/apps/remittance/args.ts';
import type { StateChange } from '../src/execution/index.ts';
import { openStateTree } from '../src/ledger/state/index.ts';
import { openStore } from '../src/storage/index.ts';
import { type Call, createRemitChain, hkdToPhp, signers } from '../test/remittance/harness.ts';
import { percentile } from './lib/percentiles.ts';
import type { Report } from './lib/report.ts';
import { commitPipelined } from './lib/tree-pipeline.ts';

const blocks = 12;
/** The first blocks warm the JIT and the state up; they are left out of the figures. */
const warmupBlocks = 2;
const sendsPerBlock = 300;

export async function benchRemittanceExecution(report: Report): Promise<void> {
  const chain = await createRemitChain();
  chain.verifySignature = () => true;
  const policy = chain.call(
    signers.ph,
    'set_acceptance_policy',
    policyArgs({ corridor: hkdToPhp, autoAccept: true }),
  );
  if (policy.code !== 'ok') throw new Error(`set_acceptance_policy: ${policy.code}`);
  const planned: Call[][] = [];
  let n = 1;
  for (let b = 0; b < blocks; b++) {
    const calls: Call[] = [];
    for (let i = 0; i < sendsPerBlock; i++)
      calls.push(await chain.sendCall({ n: n++, sendAmount: 100n, quote: { fee: 1n } }));
    planned.push(calls);
  }
  const usPerSend: number[] = [];
  const cpuUsPerSend: number[] = [];
  const changes: (readonly StateChange[])[] = [];
  for (const [b, calls] of planned.entries()) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const out = chain.block(calls, 10);
    const wallUs = (performance.now() - start) * 1000;
    const { user, system } = process.cpuUsage(cpu);
    const failed = out.results.find((r) => r.code !== 'ok');
    if (failed !== undefined) throw new Error(`remittance.send: ${failed.code} ${failed.message}`);
    changes.push(out.changes);
    if (b < warmupBlocks) continue;
    usPerSend.push(wallUs / calls.length);
    cpuUsPerSend.push((user + system) / calls.length);
  }
  if (chain.remittance(1).status !== 'completed')
    throw new Error('the auto-accept policy did not complete the first remittance');
  usPerSend.sort((a, b) => a - b);
  cpuUsPerSend.sort((a, b) => a - b);
  const median = percentile(usPerSend, 0.5);
  report('execution only: one send, settled by the policy (median block)', median, 'us');
  report(
    'execution only: process CPU per send, V8 helper threads included (median block)',
    percentile(cpuUsPerSend, 0.5),
    'us',
  );
  report('execution only: sends per second on one core', 1e6 / median, 'remit/s');
  await benchRemittanceCommit(report, changes);
}

/**
 * The blocks' state changes prepared, staged and committed durably to a fresh state tree, each
 * block computed while the one before is written (as the node's pipeline does); the first blocks
 * warm up. Process CPU, so LMDB's writer thread and V8's helpers count.
 */
async function benchRemittanceCommit(
  report: Report,
  blocks: readonly (readonly StateChange[])[],
): Promise<void> {
  const measured = blocks.slice(warmupBlocks);
  const keys = measured.reduce((sum, block) => sum + block.length, 0);
  report('state keys changed per send', keys / (measured.length * sendsPerBlock), 'keys');
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-remit-tree-'));
  const store = openStore({ path: dir });
  try {
    const tree = openStateTree(store);
    let height = 0;
    for (const block of blocks.slice(0, warmupBlocks)) await tree.applyBlock(++height, block);
    const cpu = process.cpuUsage();
    await commitPipelined(store, tree, height, measured);
    const { user, system } = process.cpuUsage(cpu);
    report(
      'state tree and LMDB only: process CPU per send (durable, pipelined)',
      (user + system) / (measured.length * sendsPerBlock),
      'us',
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
