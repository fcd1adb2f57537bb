// The EVM peer: Hardhat's network (one node, automine: a block per transaction, no consensus)
// taking signed value transfers open-loop. A short probe at a high offered rate finds what it can
// mine per second, then a ladder of offered rates around that (the network group's fractions).
import { ladderFractions, ladderRates, loadLabel } from '../lib/load-ladder.ts';
import type { Progress, Report } from '../lib/report.ts';
import { type EvmRung, runEvmRung } from './evm-load.ts';
import { createSenders, type Senders, signTransfers } from './evm-transfers.ts';
import { type HardhatNode, startHardhatNode } from './hardhat-node.ts';
import type { SystemFigure } from './ratios.ts';

const probeSecondsMax = 5;

export type EvmOptions = {
  /** Length of each ladder step. */
  readonly seconds: number;
  readonly senders: number;
  /** Offered rate of the capacity probe, transfers/s. */
  readonly probeRate: number;
  /** Expected capacity, transfers/s; probed when absent. */
  readonly capacity: number | undefined;
};

const name = 'hardhat signed transfers';

async function rung(
  node: HardhatNode,
  senders: Senders,
  rate: number,
  seconds: number,
  progress: Progress,
): Promise<EvmRung> {
  const count = Math.max(1, Math.round(rate * seconds));
  progress(`hardhat: signing ${count} transfers`);
  const txs = await signTransfers(senders, count);
  progress(`hardhat: ${Math.round(rate)}/s offered for ${seconds} s`);
  return runEvmRung(node, txs, rate, senders.accounts.length);
}

function reportRung(report: Report, at: string, r: EvmRung): void {
  report(`${name} offered/s ${at}`, r.offered, 'tx/s');
  report(`${name} mined/s ${at}`, r.minedPerSec, 'tx/s');
  report(`${name} latency p50 ${at}`, r.latency.p50, 'ms');
  report(`${name} latency p90 ${at}`, r.latency.p90, 'ms');
  report(`${name} latency p99 ${at}`, r.latency.p99, 'ms');
  report(`${name} latency max ${at}`, r.latency.max, 'ms');
  report(`hardhat node CPU ${at}`, r.cpuPct, '% of a core');
  report(`hardhat node RSS ${at}`, r.rssMaxMiB, 'MiB');
  const errors = [...r.errors.values()].reduce((a, b) => a + b, 0);
  if (errors > 0) report(`${name} answered with an error ${at}`, errors, 'tx');
  if (r.unsent > 0) report(`${name} never sent (senders all waiting) ${at}`, r.unsent, 'tx');
}

function describeRung(at: string, r: EvmRung): string {
  const errors = [...r.errors].map(([m, n]) => `${n} x ${m}`).join('; ');
  return (
    `  hardhat ${at}: offered ${Math.round(r.offered)}/s mined ${Math.round(r.minedPerSec)}/s ` +
    `p50 ${Math.round(r.latency.p50)} ms p99 ${Math.round(r.latency.p99)} ms` +
    (errors === '' ? '' : ` errors: ${errors}`)
  );
}

/** Runs the probe and the ladder; returns the rung that mined the most per second. */
export async function benchHardhat(
  options: EvmOptions,
  report: Report,
  progress: Progress,
): Promise<SystemFigure> {
  progress('hardhat: starting');
  const senders = createSenders(options.senders);
  const node = await startHardhatNode(senders.funded);
  try {
    let capacity = options.capacity;
    if (capacity === undefined) {
      const seconds = Math.min(options.seconds, probeSecondsMax);
      const probe = await rung(node, senders, options.probeRate, seconds, progress);
      console.log(describeRung('capacity probe', probe));
      capacity = probe.minedPerSec;
    }
    report(
      `${name}: expected capacity (${options.capacity === undefined ? 'probed' : 'given'})`,
      capacity,
      'tx/s',
    );
    let best: EvmRung | undefined;
    for (const [i, rate] of ladderRates(capacity).entries()) {
      const at = `at ${loadLabel(ladderFractions[i]!)}`;
      const r = await rung(node, senders, rate, options.seconds, progress);
      console.log(describeRung(at, r));
      reportRung(report, at, r);
      if (best === undefined || r.minedPerSec > best.minedPerSec) best = r;
    }
    report(`${name} mined/s, most on the ladder`, best!.minedPerSec, 'tx/s');
    return {
      label: 'hardhat',
      perSec: best!.minedPerSec,
      p50Ms: best!.latency.p50,
      p99Ms: best!.latency.p99,
    };
  } finally {
    await node.close();
  }
}
