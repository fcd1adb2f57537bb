// The soak runner as its users run it (`npm run test:soak`), shortened: a real process that starts a
// four-validator network, loads it, samples and checks it, and writes its record and charts; and the
// same runner failing when one of its validators dies under it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRun } from '../../bench/lib/results.ts';
import { pruneLagAllowed } from './retention.ts';

const runner = join(import.meta.dirname, 'run.ts');
const dir = mkdtempSync(join(tmpdir(), 'tally-soak-test-'));

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the soak CLI; `onStarted` gets its pid once it says the load started. */
function soak(args: readonly string[], onStarted?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (onStarted !== undefined && stdout.includes('load started')) {
        const call = onStarted;
        onStarted = undefined;
        call(child.pid!);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Processes whose parent is `pid` and whose command line holds `marker` (from /proc). */
function childrenRunning(pid: number, marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (ppid === pid && cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

type Record = {
  verdict: string;
  violations: string[];
  notes: string[];
  reads: { [kind: string]: number };
  results: { name: string; value: number | null; unit: string }[];
};

describe('npm run test:soak', { timeout: 240_000 }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a loaded network, samples every validator, checks everything and writes its record', async () => {
    const out = join(dir, 'pass', 'soak.json');
    const keepStates = 100;
    const run = await soak([
      '--minutes',
      '0.5',
      '--rate',
      '50',
      '--read-rate',
      '20',
      '--sample-seconds',
      '2',
      '--check-minutes',
      '0.25',
      '--accounts',
      '8',
      '--keep-states',
      String(keepStates),
      '--seed',
      '7',
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /soak passed: no violations/);
    const record = JSON.parse(readFileSync(out, 'utf8')) as Record;
    assert.equal(record.verdict, 'pass');
    assert.deepEqual(record.violations, []);
    const value = (name: string) => record.results.find((r) => r.name === name)?.value;
    assert.ok(value('transfers final under the load')! > 0, 'transfers became final');
    const final = value('transactions final, setup included')!;
    assert.equal(value('transactions found final on every node'), final);
    // Remittances went through the sending wallet's node, and every node agrees they completed.
    assert.ok(value('remittances completed')! > 0, 'remittances completed');
    assert.equal(value('remittances not completed'), 0);
    assert.equal(value('forks'), 0);
    assert.ok(value('finality p99')! >= value('finality p50')!);
    // Reads reached the API and were answered.
    assert.ok((record.reads['status 200'] ?? 0) > 0, JSON.stringify(record.reads));
    assert.ok((record.reads['account 200'] ?? 0) > 0, JSON.stringify(record.reads));
    for (let i = 0; i < 4; i++) {
      assert.ok(value(`validator ${i}: RSS max`)! > 0);
      assert.ok(value(`validator ${i}: V8 heap live at the end`)! > 0);
      assert.ok(value(`validator ${i}: LMDB file at the end`)! > 0);
      assert.ok(value(`validator ${i}: round timeouts`)! >= 0);
    }
    // Too short to judge heap growth, and it says so rather than passing it.
    assert.equal(record.notes.length, 4);
    for (const note of record.notes) assert.match(note, /not judged: run of 0\.5 min/);
    const { samples } = JSON.parse(
      readFileSync(join(dir, 'pass', 'soak.samples.json'), 'utf8'),
    ) as {
      samples: { nodes: { up: boolean; height: number }[]; checking: boolean }[];
    };
    // --keep-states reached every node, and its pruner kept up with the load.
    const lastHeights = samples.at(-1)!.nodes.map((n) => n.height);
    assert.ok(Math.min(...lastHeights) > keepStates + pruneLagAllowed, `heights ${lastHeights}`);
    for (let i = 0; i < 4; i++) {
      const held = value(`validator ${i}: state versions held at the end`)!;
      assert.ok(held >= keepStates && held <= keepStates + pruneLagAllowed, `${i}: ${held}`);
    }
    assert.ok(samples.length >= 10, `${samples.length} samples`);
    assert.ok(samples.every((s) => s.nodes.length === 4 && s.nodes.every((n) => n.up)));
    assert.ok(
      samples.some((s) => s.checking),
      'a check paused the load during the run',
    );
    // `npm run bench:report` reads the record like a benchmark group's.
    assert.equal(readRun(join(dir, 'pass'), 'soak.json').results.length, record.results.length);
    for (const chart of ['soak.svg', 'soak.throughput.svg', 'soak.latency.svg']) {
      const svg = readFileSync(join(dir, 'pass', chart), 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /<polyline|<path/);
    }
  });

  it('fails, naming the validator, when one dies under the load', async () => {
    const out = join(dir, 'killed', 'soak.json');
    let validators: number[] = [];
    const run = await soak(
      ['--minutes', '2', '--rate', '50', '--sample-seconds', '1', '--accounts', '4', '--out', out],
      (pid) => {
        setTimeout(() => {
          validators = childrenRunning(pid, 'node start --config');
          if (validators.length > 2) process.kill(validators[2]!, 'SIGKILL');
        }, 3000);
      },
    );
    assert.equal(validators.length, 4, 'the soak ran four validator processes');
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /FAILED: \d+ violation/);
    assert.match(run.stderr, /validator \d exited during the soak \(SIGKILL\)/);
    const record = JSON.parse(readFileSync(out, 'utf8')) as Record;
    assert.equal(record.verdict, 'fail');
    // It stopped at the death, not after the two minutes asked for.
    const minutes = record.results.find((r) => r.name === 'load duration')!.value!;
    assert.ok(minutes < 1, `ran ${minutes} min after the kill`);
  });
});
