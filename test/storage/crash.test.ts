// Kills a writing process with SIGKILL and checks that the store holds exactly a prefix of its
// batches, each one whole, including every batch the writer saw committed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeUintKey, openStore } from '../../src/storage/index.ts';
import { utf8 } from '../../src/util/bytes.ts';

const writer = new URL('./fixtures/crash-writer.ts', import.meta.url).pathname;
const keysPerBatch = 10;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tally-crash-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it reports `batchesBeforeKill` batches, waits `delayMs`, kills it. */
async function runAndKill(
  path: string,
  batchesBeforeKill: number,
  delayMs: number,
): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let reported = 0;
  let buffered = '';
  let killScheduled = false;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) reported = Math.max(reported, Number(line));
    if (!killScheduled && reported >= batchesBeforeKill) {
      killScheduled = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', 'the writer ran until it was killed');
  return reported;
}

async function checkPrefix(path: string, reported: number): Promise<number> {
  const store = openStore({ path });
  try {
    const meta = store.db('meta');
    const data = store.db('data');
    const tmp = store.db('tmp');
    const last = decodeUintKey(meta.get(utf8('last'))!);
    assert.ok(
      last >= reported,
      `batch ${reported} was reported committed but the store ends at ${last}`,
    );
    assert.equal(
      decodeUintKey(meta.get(utf8('sum'))!),
      (last * (last + 1)) / 2,
      'the counter agrees',
    );
    assert.equal(data.stats().entries, last * keysPerBatch, 'no key of a later batch is there');
    for (let n = 1; n <= last; n++) {
      for (let i = 0; i < keysPerBatch; i++) {
        const value = data.get(utf8(`k_${n}_${i}`));
        assert.ok(value !== undefined, `k_${n}_${i} is there`);
        assert.equal(decodeUintKey(value), n);
        assert.equal(value[8], i);
        assert.equal(value[value.length - 1], (n + i) & 0xff);
      }
    }
    assert.equal(data.get(utf8(`k_${last + 1}_0`)), undefined);
    const tmpKeys = [...tmp.keys()].map((key) => new TextDecoder().decode(key));
    assert.deepEqual(tmpKeys, [`tmp_${last}`], 'deletes committed with their batch');
    return last;
  } finally {
    await store.close();
  }
}

for (const [batches, delayMs] of [
  [1, 0],
  [20, 3],
  [60, 11],
  [150, 1],
] as const) {
  test(`keeps a whole prefix of batches after SIGKILL (${batches} batches, then ${delayMs} ms)`, async () => {
    const path = join(dir, `run-${batches}-${delayMs}`);
    const reported = await runAndKill(path, batches, delayMs);
    assert.ok(reported >= batches);
    const last = await checkPrefix(path, reported);
    assert.ok(last >= batches);
  });
}
