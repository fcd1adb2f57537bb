// What a verify worker runs: its bundle (util/worker-source.ts), or verify-worker.mjs through tsx.
import { type WorkerEntry, type WorkerSource, workerSources } from '../util/worker-source.ts';

export type { WorkerSource } from '../util/worker-source.ts';

const verifyWorker: WorkerEntry = {
  entry: new URL('./verify-worker.ts', import.meta.url),
  tsxShim: new URL('./verify-worker.mjs', import.meta.url),
};

/** Workers that register tsx themselves: the fallback. */
export const tsxWorkerSource: WorkerSource = { kind: 'tsx', url: verifyWorker.tsxShim };

/** The source workers start from by default: the bundle, made on first use, or else tsx. */
export function verifyWorkerSource(): WorkerSource {
  return workerSources.get(verifyWorker);
}
