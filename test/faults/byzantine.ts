// Byzantine scenario: under the open-loop load, an honest phase, then one validator turned Byzantine
// with every behaviour (equivocation, invalid proposals, withheld votes, a flood of junk) for a phase
// of the same length. Measures final transactions per second in each phase, then checks safety with
// the checker and collects the evidence every honest node serves.
import { type ByzantineBehaviour, byzantineBehaviours } from '../../src/node/byzantine/index.ts';
import { type FaultNetwork, sleep } from './fault-network.ts';

export type ByzantineScenarioOptions = {
  readonly seconds: number;
  /** The validator that turns Byzantine. */
  readonly index: number;
  readonly behaviours?: readonly ByzantineBehaviour[];
  readonly floodFramesPerSecond?: number;
  /** Turn the validator honest again at the end (the long run goes on with other scenarios). */
  readonly restoreHonest?: boolean;
  readonly log?: (line: string) => void;
};

export type EvidenceItem = {
  seq: number;
  kind: string;
  epoch: number;
  round: number;
  validatorIndex: number;
  orgId: string;
};

export type ByzantineResult = {
  readonly seconds: number;
  readonly behaviours: readonly ByzantineBehaviour[];
  /** Evidence entries each honest node serves, by node index (the Byzantine one is absent). */
  readonly evidenceByNode: Record<number, number>;
  /** The fewest entries any honest node serves. */
  readonly evidence: number;
  readonly honestTxPerSec: number;
  readonly byzantineTxPerSec: number;
  /** byzantineTxPerSec / honestTxPerSec. */
  readonly ratio: number;
  /** Executed height gained on the first honest node during the Byzantine phase. */
  readonly byzantineBlocks: number;
  readonly violations: readonly string[];
};

/** Final transactions per second over `seconds` of load, and the height gained meanwhile. */
async function measurePhase(
  fnet: FaultNetwork,
  seconds: number,
  url: string,
): Promise<{ txPerSec: number; blocks: number }> {
  const finalBefore = fnet.load.acknowledged.final.size;
  const heightBefore = await executedHeight(url);
  const startedMs = Date.now();
  await sleep(seconds * 1000);
  const elapsedS = (Date.now() - startedMs) / 1000;
  const txPerSec = (fnet.load.acknowledged.final.size - finalBefore) / elapsedS;
  return { txPerSec, blocks: (await executedHeight(url)) - heightBefore };
}

export async function runByzantine(
  fnet: FaultNetwork,
  options: ByzantineScenarioOptions,
): Promise<ByzantineResult> {
  const behaviours = options.behaviours ?? byzantineBehaviours;
  const honest = fnet.urls.map((_, i) => i).filter((i) => i !== options.index);
  const watchUrl = fnet.urls[honest[0]!]!;
  fnet.startLoad();
  options.log?.(`honest phase: ${options.seconds} s under load`);
  const honestPhase = await measurePhase(fnet, options.seconds, watchUrl);
  options.log?.(`node ${options.index} turns Byzantine: ${behaviours.join(', ')}`);
  await fnet.setByzantine(options.index, behaviours, options.floodFramesPerSecond);
  const byzantinePhase = await measurePhase(fnet, options.seconds, watchUrl);
  options.log?.(
    `phases: honest ${honestPhase.txPerSec.toFixed(1)} tx/s, Byzantine ${byzantinePhase.txPerSec.toFixed(1)} tx/s`,
  );
  const violations = await fnet.check(true, options.log);
  const evidenceByNode: Record<number, number> = {};
  for (const i of honest) evidenceByNode[i] = (await fetchEvidence(fnet.urls[i]!)).length;
  if (options.restoreHonest === true) await fnet.setByzantine(options.index, []);
  const ratio = honestPhase.txPerSec === 0 ? 0 : byzantinePhase.txPerSec / honestPhase.txPerSec;
  return {
    seconds: options.seconds,
    behaviours,
    evidenceByNode,
    evidence: Math.min(...Object.values(evidenceByNode)),
    honestTxPerSec: round2(honestPhase.txPerSec),
    byzantineTxPerSec: round2(byzantinePhase.txPerSec),
    ratio: round2(ratio),
    byzantineBlocks: byzantinePhase.blocks,
    violations,
  };
}

/** Every evidence entry a node serves, following the pages. */
export async function fetchEvidence(url: string): Promise<EvidenceItem[]> {
  const items: EvidenceItem[] = [];
  let before: number | undefined;
  for (;;) {
    const query = before === undefined ? '' : `&before=${before}`;
    const res = await fetch(`${url}/v1/evidence?limit=100${query}`);
    if (res.status !== 200) throw new Error(`${url}/v1/evidence answered ${res.status}`);
    const page = (await res.json()) as { items: EvidenceItem[]; next?: number };
    items.push(...page.items);
    if (page.next === undefined) return items;
    before = page.next;
  }
}

async function executedHeight(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/v1/status`)).json()) as { executedHeight: number };
  return body.executedHeight;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
