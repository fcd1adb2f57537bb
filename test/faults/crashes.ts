// Crash scenario: under load, kill -9 a random validator at a random moment, restart it, and
// sometimes kill it again soon after the restart, while it is still catching up. Every choice comes
// from the seeded PRNG, so a failing run replays with the same --seed.

import type { Prng } from '../sim/lib/prng.ts';
import { type FaultNetwork, sleep } from './fault-network.ts';

/** Chance that a restarted validator is killed again before it has caught up. */
const catchingUpKillChance = 0.35;
const restartReadyTimeoutMs = 90_000;

export type CrashOptions = {
  readonly iterations: number;
  /** Run the checker after this many iterations (and always after the last). */
  readonly checkEvery: number;
  readonly onIteration?: (done: number, violations: number) => void;
  readonly log?: (line: string) => void;
};

/** Runs the crash iterations; returns the violations the checker found along the way. */
export async function runCrashes(
  fnet: FaultNetwork,
  prng: Prng,
  options: CrashOptions,
): Promise<string[]> {
  const found: string[] = [];
  const validators = fnet.net.nodes.length;
  fnet.startLoad();
  for (let it = 1; it <= options.iterations; it++) {
    const victim = prng.int(0, validators - 1);
    await sleep(prng.int(100, 2500));
    await fnet.kill(victim);
    await sleep(prng.int(100, 2000));
    fnet.restart(victim);
    const again = prng.chance(catchingUpKillChance);
    if (again) {
      // The node is loading its store, replaying its log or fetching blocks: kill it mid-way.
      await sleep(prng.int(50, 1500));
      await fnet.kill(victim, 'kill_catching_up');
      await sleep(prng.int(100, 1000));
      fnet.restart(victim);
    }
    options.log?.(`iteration ${it}: killed node ${victim}${again ? ' twice' : ''}`);
    // Let it rejoin before the next victim: two of four down is a stall, not a test of crashes.
    await fnet.net.waitReady(victim, restartReadyTimeoutMs);
    options.log?.(`iteration ${it}: node ${victim} ready`);
    if (it % options.checkEvery === 0 || it === options.iterations) {
      const violations = await fnet.check(false, options.log);
      found.push(...violations);
      for (const v of violations) options.log?.(`violation: ${v}`);
    }
    options.onIteration?.(it, found.length);
  }
  await fnet.stopLoad();
  return found;
}
