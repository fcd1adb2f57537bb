// End to end: `tally network up/status/down` and `tally start` (npm start) with real node processes
// on loopback, real TLS and LMDB files in a temp folder.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
// isAlive counts an exited, unreaped process (a zombie under a PID 1 that does not reap) as gone.
import { isAlive } from '../../src/cli/network/processes.ts';
import { findFreePortRun } from '../support/ports.ts';
import { fastKeysEnv, runTally, tallyBin } from './tally-process.ts';

const nodeCommand = join(import.meta.dirname, '../../src/cli/node-command.ts');
const skip = existsSync(nodeCommand) ? false : 'node start not yet available';
const testTimeoutMs = 240_000;

const root = mkdtempSync(join(tmpdir(), 'tally-network-up-'));
after(() => {
  // Whatever happened, leave no node running.
  for (const network of readdirSync(root)) {
    const nodes = join(root, network, 'nodes');
    if (!existsSync(nodes)) continue;
    for (const node of readdirSync(nodes)) {
      const pidFile = join(nodes, node, 'node.pid');
      if (!existsSync(pidFile)) continue;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
});

type StatusRow = { node: string; pid: string; state: string; height: string; peers: string };

describe('tally network up, status and down', { skip, timeout: testTimeoutMs }, () => {
  it('starts every node in the background, shows them ready with their peers, stops them', async () => {
    const dir = join(root, 'up');
    const apiPort = await findFreePortRun(8);
    const p2pPort = apiPort + 4;
    const ports = ['--api-port', `${apiPort}`, '--p2p-port', `${p2pPort}`];
    const init = await runTally(['network', 'init', '--dir', dir, ...ports], fastKeysEnv);
    assert.equal(init.code, 0, init.stderr);

    const up = await runTally(['network', 'up', '--dir', dir, '--timeout', '120']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^network tally-local is up:\n/);
    assert.match(up.stdout, new RegExp(`hk-wallet-1 +http://127\\.0\\.0\\.1:${apiPort}\\n`));
    assert.match(
      up.stdout,
      new RegExp(`API docs \\(OpenAPI\\): http://127\\.0\\.0\\.1:${apiPort}/docs`),
    );

    const [status, again] = await Promise.all([
      runTally(['network', 'status', '--dir', dir, '--json']),
      runTally(['network', 'up', '--dir', dir]),
    ]);
    assert.equal(status.code, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as StatusRow[];
    assert.deepEqual(
      rows.map((r) => [r.node, r.state]),
      ['hk-wallet-1', 'ph-wallet-1', 'settlement-bank-1', 'regulator-hk-1'].map((n) => [
        n,
        'ready',
      ]),
    );
    // Ready means connected to a quorum (itself and two of three peers); the last peer may still be dialling.
    for (const row of rows) assert.ok(Number(row.peers) >= 2, `${row.node} peers ${row.peers}`);
    const pids = rows.map((r) => Number(r.pid));
    for (const row of rows) assert.match(row.height, /^\d+$/);
    assert.ok(pids.every(isAlive));
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.match(/already running/g)?.length, 4);

    const down = await runTally(['network', 'down', '--dir', dir]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout.match(/ stopped\n/g)?.length, 4);
    assert.ok(!pids.some(isAlive));
    for (const row of rows)
      assert.equal(existsSync(join(dir, 'nodes', row.node, 'node.pid')), false);
    assert.match(
      readFileSync(join(dir, 'nodes', 'hk-wallet-1', 'node.log'), 'utf8'),
      /"msg":"node started"/,
    );
  });
});

/** A `tally start` run whose output we can wait on, line by line. */
class StartRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [tallyBin, 'start', ...args], {
      env: { ...process.env, ...fastKeysEnv },
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first match of `pattern` in stdout, once it appears; fails if tally exits first. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match !== null) return match;
      if (this.child.exitCode !== null)
        assert.fail(`tally start exited:\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function committedHeights(stdout: string): number[] {
  return [...stdout.matchAll(/\] committed height=(\d+)/g)].map((m) => Number(m[1]));
}

describe('tally start (npm start)', { skip, timeout: testTimeoutMs }, () => {
  it('creates the network, forwards node logs, stops on SIGINT, and resumes on the next run', async () => {
    const dir = join(root, 'start');
    // One organisation keeps this test light; the test above runs the four-node consortium.
    const port = await findFreePortRun(2);
    const ports = ['--api-port', `${port}`, '--p2p-port', `${port + 1}`];
    const args = ['--dir', dir, '--orgs', '1', ...ports, '--timeout', '120'];

    const first = new StartRun(args);
    await first.waitFor(/demo data: seeded/);
    assert.match(first.stdout, /^creating a 1-organisation network in /);
    assert.match(first.stdout, /API docs \(OpenAPI\): http:\/\/127\.0\.0\.1:\d+\/docs/);
    await first.waitFor(/\[hk-wallet-1\] committed height=\d+/);
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0, first.stderr);
    assert.match(first.stdout, /\nSIGINT: stopping 1 node\.\.\.\n/);
    assert.match(first.stdout, /\nall nodes stopped; npm start resumes this network\n$/);
    const stoppedAt = Math.max(...committedHeights(first.stdout));
    assert.equal(
      readdirSync(join(dir, 'nodes')).some((n) => existsSync(join(dir, 'nodes', n, 'node.pid'))),
      false,
    );

    const second = new StartRun(args);
    await second.waitFor(/demo data: already seeded/);
    // The chain goes on from where it stopped: a new chain would commit height 1 again.
    // The node reports the height it resumes from as it starts.
    const resumedAt = Number(
      (await second.waitFor(/\[hk-wallet-1\] node started .*height=(\d+)/))[1],
    );
    // At least the last height it reported committed (a later one may have committed unlogged).
    assert.ok(resumedAt >= stoppedAt, `resumed at ${resumedAt}, stopped at ${stoppedAt}`);
    assert.doesNotMatch(second.stdout, /creating a/);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, second.stderr);
  });
});
