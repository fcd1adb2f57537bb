// kill -9 in the middle of committing blocks loses nothing that was reported durable, and leaves the
// block store, receipts and state tree at the same height; replaying the stored blocks on a fresh node
// gives the same state root.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toHex } from '../../src/util/bytes.ts';
import { openChain, tempDir } from './ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the child until it has reported `heights` committed blocks past setup, then SIGKILLs it. */
function runAndKill(path: string, killAfterLines: number, mode: Mode): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures/commit-forever.ts'), path, mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let last = -1;
  let lines = 0;
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        last = Number(line);
        lines += 1;
      }
      if (lines >= killAfterLines && child.exitCode === null && !child.killed)
        child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(last) : reject(new Error(`child exited with ${code}`)),
    );
  });
}

/**
 * One block at a time; the next one executing while the last one is written; or the tree worker
 * with three blocks in flight.
 */
type Mode = 'sequential' | 'pipelined' | 'worker';
const runs: Array<[Mode, number]> = [
  ['sequential', 1],
  ['sequential', 9],
  ['pipelined', 1],
  ['pipelined', 4],
  ['pipelined', 9],
  ['worker', 1],
  ['worker', 6],
];

describe('crash safety of the commit path', () => {
  for (const [mode, killAfter] of runs) {
    it(`SIGKILL after ${killAfter} reported blocks, ${mode}: store consistent, nothing reported lost`, async () => {
      const path = tempDir();
      dirs.push(path);
      const reported = await runAndKill(path, killAfter, mode);
      const { store, chain } = openChain(path);
      const executed = chain.executor.blocks.executed()!;
      assert.ok(
        executed.height >= reported,
        `durable height ${executed.height} >= reported ${reported}`,
      );
      assert.equal(
        chain.executor.blocks.latestHeight(),
        executed.height,
        'no block without its execution',
      );
      assert.equal(
        chain.executor.state.committedHeight,
        executed.height,
        'state tree at the same height',
      );
      assert.equal(toHex(chain.executor.state.root()), toHex(executed.stateRoot));

      const replayPath = tempDir();
      dirs.push(replayPath);
      const replay = openChain(replayPath);
      for (let h = 0; h <= executed.height; h++) {
        const block = chain.executor.blocks.blockAt(h)!;
        const again = await replay.chain.executor.commit(block);
        assert.equal(
          toHex(again.resultsRoot),
          toHex(
            chain.executor.blocks.executed()!.height === h
              ? executed.resultsRoot
              : again.resultsRoot,
          ),
        );
      }
      assert.equal(
        toHex(replay.chain.executor.state.root()),
        toHex(executed.stateRoot),
        'replaying the stored blocks gives the same root',
      );
      await replay.store.close();
      await store.close();
    });
  }
});
