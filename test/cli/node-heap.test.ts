// The heap cap the CLI gives the node processes it starts (src/cli/network/processes.ts).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  nodeHeapFlags,
  nodeHeapMiBDefault,
  nodeStartArgs,
} from '../../src/cli/network/processes.ts';
import { TallyError } from '../../src/util/errors.ts';

describe('node heap cap', () => {
  const saved = process.env.TALLY_NODE_HEAP_MIB;
  afterEach(() => {
    if (saved === undefined) delete process.env.TALLY_NODE_HEAP_MIB;
    else process.env.TALLY_NODE_HEAP_MIB = saved;
  });

  it('caps the old generation by default, and the node start argv carries it', () => {
    delete process.env.TALLY_NODE_HEAP_MIB;
    assert.deepEqual(nodeHeapFlags([]), [`--max-old-space-size=${nodeHeapMiBDefault}`]);
    const argv = nodeStartArgs('config.json');
    assert.ok(argv.includes(`--max-old-space-size=${nodeHeapMiBDefault}`));
    assert.ok(argv.indexOf(`--max-old-space-size=${nodeHeapMiBDefault}`) < argv.indexOf('node'));
  });

  it('takes TALLY_NODE_HEAP_MIB, 0 for V8 default, and leaves a flag the caller passes', () => {
    process.env.TALLY_NODE_HEAP_MIB = '768';
    assert.deepEqual(nodeHeapFlags([]), ['--max-old-space-size=768']);
    process.env.TALLY_NODE_HEAP_MIB = '0';
    assert.deepEqual(nodeHeapFlags([]), []);
    assert.deepEqual(nodeHeapFlags(['--max-old-space-size=2048']), []);
  });

  it('error: a heap size that is not whole MiB', () => {
    process.env.TALLY_NODE_HEAP_MIB = '1.5g';
    assert.throws(
      () => nodeHeapFlags([]),
      (e: unknown) =>
        e instanceof TallyError && e.code === 'config_invalid' && /1\.5g/.test(e.message),
    );
  });
});
