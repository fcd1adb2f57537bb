// What one seed means: the validator count, the network's faults, crashes and Byzantine validators,
// all drawn from the seed's PRNG. Faults stop at healMs; liveness is checked after it.
import { Prng } from './prng.ts';

export type Strategy = 'equivocate' | 'invalid' | 'withhold' | 'conflict' | 'delay';
export const strategies: readonly Strategy[] = [
  'equivocate',
  'invalid',
  'withhold',
  'conflict',
  'delay',
];

export type Partition = {
  readonly startMs: number;
  readonly endMs: number;
  readonly side: ReadonlySet<number>;
};
export type Crash = { readonly node: number; readonly atMs: number; readonly restartMs: number };
export type SetChange = { readonly atMs: number; readonly members: readonly number[] };

export type Scenario = {
  readonly seed: number;
  /** Validators in the genesis set. */
  readonly n: number;
  /** Extra nodes that start as followers (joined by a set change). */
  readonly spares: number;
  readonly delayMsMin: number;
  readonly delayMsMax: number;
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly partitions: readonly Partition[];
  readonly crashes: readonly Crash[];
  readonly byzantine: ReadonlyMap<number, Strategy>;
  readonly setChanges: readonly SetChange[];
  readonly healMs: number;
  /** Blocks every honest validator must commit after healMs, within livenessWindowMs. */
  readonly livenessBlocks: number;
  readonly livenessWindowMs: number;
  /** Encode and decode every message, as the network would. */
  readonly wire: boolean;
  /** How long a leader's payload takes after it asks, as a node's block interval does; 0: at once. */
  readonly payloadDelayMs?: number;
};

export const roundTimeoutMs = 100;
export const roundTimeoutDoublingsMax = 3;

/** A calm network: no faults, small delays. Tests start from it and add what they need. */
export function calmScenario(seed: number, n: number): Scenario {
  return {
    seed,
    n,
    spares: 0,
    delayMsMin: 1,
    delayMsMax: 10,
    lossRate: 0,
    duplicateRate: 0,
    partitions: [],
    crashes: [],
    byzantine: new Map(),
    setChanges: [],
    healMs: 0,
    livenessBlocks: 20,
    livenessWindowMs: 10_000,
    wire: true,
  };
}

/** Draws a random scenario from the seed: n in {4, 7, 10}, faults up to f, then a heal. */
export function randomScenario(seed: number, nFixed?: number): Scenario {
  const prng = new Prng(seed);
  const n = nFixed ?? prng.pick([4, 7, 10]);
  const f = Math.floor((n - 1) / 3);
  const healMs = prng.int(300, 1500);
  const byzantine = new Map<number, Strategy>();
  const byzantineCount = prng.int(0, f);
  while (byzantine.size < byzantineCount) byzantine.set(prng.int(0, n - 1), prng.pick(strategies));
  const honest = [...Array(n).keys()].filter((i) => !byzantine.has(i));
  const crashes: Crash[] = [];
  for (let k = prng.int(0, 2); k > 0; k--) {
    const atMs = prng.int(0, healMs - 50);
    crashes.push({ node: prng.pick(honest), atMs, restartMs: prng.int(atMs + 10, healMs) });
  }
  const partitions: Partition[] = [];
  for (let k = prng.int(0, 2); k > 0; k--) {
    const startMs = prng.int(0, healMs - 50);
    const side = new Set<number>();
    for (let i = 0; i < n; i++) if (prng.chance(0.5)) side.add(i);
    partitions.push({ startMs, endMs: prng.int(startMs + 10, healMs), side });
  }
  // At least 1 ms, so that virtual time moves and the heal comes.
  const delayMsMin = prng.int(1, 5);
  return {
    ...calmScenario(seed, n),
    delayMsMin,
    delayMsMax: delayMsMin + prng.int(0, 40),
    lossRate: prng.pick([0, 0, 0.01, 0.05, 0.1]),
    duplicateRate: prng.pick([0, 0.02, 0.1]),
    partitions,
    crashes,
    byzantine,
    healMs,
    livenessBlocks: 5,
    livenessWindowMs: 20_000,
  };
}
