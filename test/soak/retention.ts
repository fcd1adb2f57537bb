// How many state versions each validator holds at the end of a soak, from GET /v1/status. With
// --keep-states the pruner must keep up with the load: a validator holding many more versions than
// its window (plus the heights pruning is allowed to lag) is a violation, since its data folder
// would then grow without bound.
import { pruneEveryBlocks } from '../../src/node/catchup/pruner.ts';
import { getJson } from '../e2e/harness.ts';
import type { Result } from './output.ts';

/** A prune runs every pruneEveryBlocks heights, in the background: it may lag a few runs behind. */
export const pruneLagAllowed = 4 * pruneEveryBlocks;

export type Retention = { readonly results: Result[]; readonly violations: string[] };

export async function checkRetention(
  urls: readonly string[],
  keepStates: number,
): Promise<Retention> {
  const results: Result[] = [];
  const violations: string[] = [];
  for (const [i, url] of urls.entries()) {
    const { status, body } = await getJson(`${url}/v1/status`);
    const retained = body.retained as { stateFrom?: unknown } | undefined;
    const height = body.executedHeight;
    if (status !== 200 || typeof height !== 'number' || typeof retained?.stateFrom !== 'number') {
      violations.push(`validator ${i}: GET /v1/status gave no executed height and retained state`);
      continue;
    }
    const held = height - retained.stateFrom + 1;
    results.push({
      name: `validator ${i}: state versions held at the end`,
      value: held,
      unit: 'heights',
    });
    if (keepStates > 0 && held > keepStates + pruneLagAllowed)
      violations.push(
        `validator ${i}: holds ${held} state versions, keep-states is ${keepStates} (pruning fell behind)`,
      );
  }
  return { results, violations };
}
