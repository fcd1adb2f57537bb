// `npm run test:sim -- --seeds N [--seed S] [--n 4]`: runs simulator seeds and prints progress; a
// failure prints the line that reproduces it. Exit code 1 when any seed fails.
import { parseArgs } from 'node:util';
import { randomScenario } from './lib/scenario.ts';
import { runSeed } from './lib/simulator.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    seed: { type: 'string' },
    first: { type: 'string', default: '1' },
    n: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`usage: npm run test:sim -- [--seeds N] [--first K] [--seed S] [--n 4|7|10]
  --seeds N   run N random scenarios (default 100), seeds K..K+N-1
  --first K   first seed of the range (default 1)
  --seed S    run exactly seed S (what a failure's "reproduce with" line gives)
  --n SIZE    fix the number of validators instead of drawing it from the seed`);
  process.exit(0);
}

const n = values.n === undefined ? undefined : Number(values.n);
if (n !== undefined && ![4, 7, 10].includes(n)) {
  console.error('--n must be 4, 7 or 10');
  process.exit(2);
}
const seeds =
  values.seed !== undefined
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);
const started = performance.now();
let failures = 0;
let blocks = 0;
for (const [k, seed] of seeds.entries()) {
  const result = runSeed(randomScenario(seed, n));
  blocks += result.committedMin;
  if (!result.ok) {
    failures++;
    console.error(
      `seed ${seed} FAILED: ${result.failure}\nreproduce with --seed=${seed}${n === undefined ? '' : ` --n ${n}`}`,
    );
  }
  if ((k + 1) % 100 === 0 || k + 1 === seeds.length) {
    const s = (performance.now() - started) / 1000;
    console.log(
      `${k + 1}/${seeds.length} seeds, ${failures} failed, ${blocks} blocks, ${s.toFixed(1)} s`,
    );
  }
}
process.exit(failures === 0 ? 0 : 1);
