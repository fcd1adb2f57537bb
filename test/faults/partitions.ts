// Partition scenario, through the link proxy: cut one validator off (the minority of 1 in 4 must stop
// committing while the majority goes on), slow every link down, split 2-2 (no side may commit), then
// heal; all must converge and pass the checker. Choices come from the seeded PRNG.
import type { Prng } from '../sim/lib/prng.ts';
import { type FaultNetwork, sleep } from './fault-network.ts';

/** Time for messages already in flight when a cut happens to land. */
const settleMs = 2000;
/** How long a cut-off side is watched for commits it must not make. */
const watchMs = 3000;
/** Blocks the majority must commit while the minority is cut off. */
const majorityBlocks = 3;
const progressTimeoutMs = 60_000;

export type PartitionOptions = {
  readonly cycles: number;
  readonly onCycle?: (done: number, violations: number) => void;
  readonly log?: (line: string) => void;
};

async function committedHeight(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/v1/status`)).json()) as { height: number };
  return body.height;
}

async function heights(fnet: FaultNetwork, nodes: readonly number[]): Promise<number[]> {
  return Promise.all(nodes.map((i) => committedHeight(fnet.urls[i]!)));
}

/** Waits until each of `nodes` committed at least `blocks` more; false when it timed out. */
async function progresses(fnet: FaultNetwork, nodes: readonly number[], blocks: number) {
  const start = await heights(fnet, nodes);
  const deadline = Date.now() + progressTimeoutMs;
  while (Date.now() < deadline) {
    const now = await heights(fnet, nodes);
    if (now.every((h, i) => h >= start[i]! + blocks)) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Watches `nodes` after a cut settled; a line for each that committed past what any node had
 * committed when the watch began, plus one block (its certificate may have formed just before the
 * cut). A node that was behind may still catch up to that height from its own side: those blocks
 * were decided before the cut.
 */
async function stalls(fnet: FaultNetwork, nodes: readonly number[], what: string) {
  await sleep(settleMs);
  const all = fnet.net.nodes.map((_, i) => i);
  const before = await heights(fnet, all);
  const ceiling = Math.max(...before) + 1;
  await sleep(watchMs);
  const after = await heights(fnet, nodes);
  return nodes.flatMap((n, i) =>
    after[i]! > ceiling
      ? [
          `${what}: node ${n} committed ${before[n]} -> ${after[i]} (above ${ceiling}) while cut off`,
        ]
      : [],
  );
}

export async function runPartitions(
  fnet: FaultNetwork,
  prng: Prng,
  options: PartitionOptions,
): Promise<string[]> {
  const proxy = fnet.proxy;
  if (proxy === undefined) throw new Error('partitions need a network started withProxy');
  const all = fnet.net.nodes.map((_, i) => i);
  const found: string[] = [];
  const note = (lines: readonly string[]) => {
    found.push(...lines);
    for (const l of lines) options.log?.(`violation: ${l}`);
  };
  fnet.startLoad();
  for (let cycle = 1; cycle <= options.cycles; cycle++) {
    const minority = prng.pick(all);
    const majority = all.filter((i) => i !== minority);
    proxy.cut([minority], majority);
    fnet.faults.partition_minority++;
    options.log?.(`cycle ${cycle}: node ${minority} cut off`);
    if (!(await progresses(fnet, majority, majorityBlocks)))
      note([
        `cycle ${cycle}: majority ${majority.join(',')} stopped with node ${minority} cut off`,
      ]);
    note(await stalls(fnet, [minority], `cycle ${cycle} minority`));
    proxy.heal();

    const delayMs = prng.int(20, 200);
    proxy.delay(delayMs);
    fnet.faults.delay++;
    options.log?.(`cycle ${cycle}: every link delayed ${delayMs} ms`);
    if (!(await progresses(fnet, all, majorityBlocks)))
      note([`cycle ${cycle}: no progress with links delayed ${delayMs} ms`]);
    proxy.heal();

    const partner = prng.pick(majority);
    const sideA = [minority, partner];
    const sideB = all.filter((i) => !sideA.includes(i));
    proxy.cut(sideA, sideB);
    fnet.faults.partition_split++;
    options.log?.(`cycle ${cycle}: split ${sideA.join(',')} | ${sideB.join(',')}`);
    note(await stalls(fnet, all, `cycle ${cycle} split`));
    proxy.heal();
    options.log?.(`cycle ${cycle}: healed`);
    if (!(await progresses(fnet, all, majorityBlocks)))
      note([`cycle ${cycle}: no convergence after healing`]);
    note(await fnet.check(false, options.log));
    options.onCycle?.(cycle, found.length);
  }
  await fnet.stopLoad();
  return found;
}
