// The `consensus` benchmark group: the pure state machine in the simulator with zero network delay.
import { benchConsensus } from './consensus.ts';
import type { Report } from './lib/report.ts';

export async function consensusSteps(): Promise<
  Array<{ label: string; run: (report: Report) => Promise<void> }>
> {
  return [{ label: 'simulator', run: benchConsensus }];
}
