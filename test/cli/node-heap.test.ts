// The heap sizes the CLI gives the node processes it starts (src/cli/network/processes.ts): an
// old-generation cap and a young generation large enough for a block's garbage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import {
  nodeHeapFlags,
  nodeHeapMiBDefault,
  nodeSemiSpaceMiBDefault,
  nodeStartArgs,
} from '../../src/cli/network/processes.ts';
import { TallyError } from '../../src/util/errors.ts';

const envNames = ['TALLY_NODE_HEAP_MIB', 'TALLY_NODE_SEMI_SPACE_MIB'] as const;
const oldSpaceDefault = `--max-old-space-size=${nodeHeapMiBDefault}`;
const semiSpaceDefault = `--max-semi-space-size=${nodeSemiSpaceMiBDefault}`;

describe('node heap sizes', () => {
  const saved = envNames.map((name) => process.env[name]);
  afterEach(() => {
    for (const [i, name] of envNames.entries()) {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    }
  });

  it('caps the old generation and sizes the young one by default, before the script', () => {
    for (const name of envNames) delete process.env[name];
    assert.deepEqual(nodeHeapFlags([]), [oldSpaceDefault, semiSpaceDefault]);
    const argv = nodeStartArgs('config.json');
    for (const flag of [oldSpaceDefault, semiSpaceDefault]) {
      assert.ok(argv.includes(flag), flag);
      assert.ok(argv.indexOf(flag) < argv.indexOf('node'), flag);
    }
  });

  it('the flags take effect in a process started with them', () => {
    for (const name of envNames) delete process.env[name];
    const script =
      "const v8 = require('node:v8');" +
      "const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;" +
      // Enough short-lived garbage, a fifth of it surviving a while, that the young generation grows.
      'let a = []; for (let i = 0; i < 3e6; i++) { a.push({ i }); if (a.length > 4e5) a = []; }' +
      'console.log(JSON.stringify({ limit: v8.getHeapStatistics().heap_size_limit, young: newSpace() }));';
    const run = spawnSync(process.execPath, [...nodeHeapFlags([]), '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const { limit, young } = JSON.parse(run.stdout) as { limit: number; young: number };
    // The limit covers the young generation too, so it is at least the old generation's cap.
    assert.ok(limit >= nodeHeapMiBDefault * 2 ** 20, `heap limit ${limit}`);
    // new_space counts both semi-spaces: past V8's default of 2 x 16 MiB, within 2 x ours.
    const mib = 2 ** 20;
    assert.ok(young > 2 * 16 * mib && young <= 2 * nodeSemiSpaceMiBDefault * mib, `young ${young}`);
  });

  it('takes the env overrides, 0 for V8 default, and leaves a flag the caller passes', () => {
    process.env.TALLY_NODE_HEAP_MIB = '768';
    process.env.TALLY_NODE_SEMI_SPACE_MIB = '32';
    assert.deepEqual(nodeHeapFlags([]), ['--max-old-space-size=768', '--max-semi-space-size=32']);
    process.env.TALLY_NODE_HEAP_MIB = '0';
    process.env.TALLY_NODE_SEMI_SPACE_MIB = '0';
    assert.deepEqual(nodeHeapFlags([]), []);
    delete process.env.TALLY_NODE_HEAP_MIB;
    delete process.env.TALLY_NODE_SEMI_SPACE_MIB;
    assert.deepEqual(nodeHeapFlags(['--max-old-space-size=2048']), [semiSpaceDefault]);
    assert.deepEqual(nodeHeapFlags(['--max-semi-space-size=8']), [oldSpaceDefault]);
  });

  for (const name of envNames)
    it(`error: ${name} that is not whole MiB`, () => {
      process.env[name] = '1.5g';
      assert.throws(
        () => nodeHeapFlags([]),
        (e: unknown) =>
          e instanceof TallyError &&
          e.code === 'config_invalid' &&
          e.message.includes(name) &&
          /1\.5g/.test(e.message),
      );
    });
});
