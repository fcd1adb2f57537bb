// Consensus benchmark: blocks committed per CPU-second by the simulator with zero network delay
// (real Ed25519 signatures; by default one its own key just made counts as checked, and the
// "every signature verified" figure checks each distinct one once through node:crypto), and the
// wall time of 100 random simulator seeds.

import { forgetVerified, setSignatureMemo } from '../test/sim/lib/keys.ts';
import { calmScenario, randomScenario } from '../test/sim/lib/scenario.ts';
import { runSeed } from '../test/sim/lib/simulator.ts';
import type { Report } from './lib/report.ts';

const blocksPerRun = 1000;
/** Runs measured per figure; the median is reported (the machine is shared and noisy). */
const runsMeasured = 3;
const warmupBlocks = 1000;
const seedsTimed = 100;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function blocksPerCpuSecond(n: number, wire: boolean): number {
  const scenario = {
    ...calmScenario(1, n),
    delayMsMin: 0,
    delayMsMax: 0,
    livenessBlocks: blocksPerRun,
    wire,
  };
  // Steady state: the first thousand blocks also pay for V8's background compilation (counted in
  // process CPU time), which makes a cold first run read up to half the rate.
  runSeed({ ...scenario, livenessBlocks: warmupBlocks });
  const rates: number[] = [];
  for (let k = 0; k < runsMeasured; k++) {
    forgetVerified();
    const started = process.cpuUsage();
    const result = runSeed(scenario);
    if (!result.ok) throw new Error(`bench run failed: ${result.failure}`);
    rates.push(result.committedMin / cpuSeconds(started));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

export async function benchConsensus(report: Report): Promise<void> {
  for (const n of [4, 7]) {
    report(
      `sim blocks per CPU-second, n=${n}, zero delay`,
      blocksPerCpuSecond(n, false),
      'blocks/s',
    );
    report(
      `sim blocks per CPU-second, n=${n}, zero delay, messages encoded`,
      blocksPerCpuSecond(n, true),
      'blocks/s',
    );
  }
  // Every signature verified through node:crypto once, instead of trusting the signer's own output.
  setSignatureMemo(false);
  report(
    'sim blocks per CPU-second, n=4, zero delay, every signature verified',
    blocksPerCpuSecond(4, false),
    'blocks/s',
  );
  setSignatureMemo(true);
  const started = performance.now();
  for (let seed = 1; seed <= seedsTimed; seed++) {
    const result = runSeed(randomScenario(seed));
    if (!result.ok) throw new Error(`seed ${seed} failed: ${result.failure}`);
  }
  report(`sim wall time per ${seedsTimed} random seeds`, (performance.now() - started) / 1000, 's');
}
