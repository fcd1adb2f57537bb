// bench/REPORT.md as `npm run bench:report` renders it, from small results files shaped like the
// harness's, written to a temporary folder: tables, the change since the run before and its flag,
// the load ladder and chart, a group that was never run, and the commands to reproduce.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeChange, renderReport } from '../../bench/lib/render-report.ts';
import { TallyError } from '../../src/util/errors.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const machine = { cpus: 2, model: 'AMD EPYC', node: 'v20.20.2', memory: '24 GiB' };

type Files = Record<string, unknown>;

/** A bench folder holding results/ with `files`; returns both paths. */
function benchDir(files: Files): { bench: string; results: string } {
  const bench = mkdtempSync(join(tmpdir(), 'tally-bench-report-'));
  dirs.push(bench);
  const results = join(bench, 'results');
  mkdirSync(results);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(results, name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return { bench, results };
}

function render(files: Files): string {
  const { bench, results } = benchDir(files);
  return renderReport(results, bench);
}

const scaleRun = {
  machine,
  date: '2026-11-26T10:00:00.000Z',
  env: { TALLY_BENCH_SCALE: '10k,1M' },
  results: [
    {
      name: '10k accounts: transfers committed, median block of 1,000',
      value: 800,
      unit: 'transfers/s',
    },
    { name: '10k accounts: accounts built', value: 21_000, unit: 'accounts/s' },
    { name: '10k accounts: disk per transfer (file growth)', value: 3008.4, unit: 'bytes' },
    { name: '1M accounts: transfers committed, whole run', value: 500, unit: 'transfers/s' },
  ],
};

const scalePrevious = {
  machine,
  date: '2026-11-25T10:00:00.000Z',
  env: {},
  results: [
    {
      name: '10k accounts: transfers committed, median block of 1,000',
      value: 1000,
      unit: 'transfers/s',
    },
    { name: '10k accounts: accounts built', value: 20_000, unit: 'accounts/s' },
    { name: '10k accounts: disk per transfer (file growth)', value: 1000, unit: 'bytes' },
  ],
};

const ladder = {
  steps: [
    {
      validators: 4,
      offered: 500,
      final: 480.4,
      p50: 410,
      p90: 700,
      p99: 1200,
      max: 1500,
      rejected: 3,
      nodes: [
        {
          cpuPct: 81.5,
          systemPct: 16.5,
          rssMaxMiB: 300,
          rssAnonMaxMiB: 250,
          rssFileMaxMiB: 48,
          rssShmemMaxMiB: 0,
        },
        {
          cpuPct: 78,
          systemPct: 15,
          rssMaxMiB: 290,
          rssAnonMaxMiB: 241,
          rssFileMaxMiB: 47,
          rssShmemMaxMiB: 0,
        },
      ],
    },
  ],
};

describe('bench report', () => {
  it('tables each group with its machine and date', () => {
    const text = render({ 'scale.json': scaleRun });
    assert.match(text, /^## scale$/m);
    assert.match(
      text,
      /Last run 2026-11-26T10:00:00.000Z on 2 CPUs, AMD EPYC, 24 GiB memory, Node v20.20.2\./,
    );
    assert.match(text, /\| result \| value \| unit \|\n\| --- \| ---: \| --- \|/);
    assert.match(text, /\| 10k accounts: disk per transfer \(file growth\) \| 3,008 \| bytes \|/);
    assert.match(text, /No earlier run is kept to compare with\./);
  });

  it('compares throughput with the run before and flags a change over 15%', () => {
    const text = render({ 'scale.json': scaleRun, 'scale.previous.json': scalePrevious });
    assert.match(text, /Compared with the run of 2026-11-25T10:00:00.000Z\./);
    assert.match(text, /\| result \| value \| unit \| vs previous run \|/);
    assert.match(
      text,
      /\| 10k accounts: transfers committed, median block of 1,000 \| 800 \| transfers\/s \| -20\.0% ⚠ \|/,
    );
    assert.match(text, /\| 10k accounts: accounts built \| 21,000 \| accounts\/s \| \+5\.0% \|/);
    // Not a throughput: tripled, but not compared.
    assert.match(
      text,
      /\| 10k accounts: disk per transfer \(file growth\) \| 3,008 \| bytes \| {2}\|/,
    );
    assert.match(
      text,
      /\| 1M accounts: transfers committed, whole run \| 500 \| transfers\/s \| new \|/,
    );
  });

  it('flags a change strictly over 15%, either way', () => {
    assert.equal(describeChange('ops/s', 115, 100), '+15.0%');
    assert.equal(describeChange('ops/s', 116, 100), '+16.0% ⚠');
    assert.equal(describeChange('ops/s', 84, 100), '-16.0% ⚠');
    assert.equal(describeChange('ms', 500, 100), '');
  });

  it('lists a group that has no results as not run, and how to run it', () => {
    const text = render({ 'scale.json': scaleRun });
    assert.doesNotMatch(text, /^## ledger$/m);
    assert.match(text, /## Not run yet\n\n- ledger: no `ledger.json` in the results/);
    assert.match(text, /- peers: no `peers.json` in the results/);
    assert.match(text, /^npm run bench -- --only ledger$/m);
  });

  it('gives the command with the settings of the last run', () => {
    const text = render({
      'scale.json': scaleRun,
      'faults.json': {
        machine,
        date: '2026-11-25T18:09:23.006Z',
        command: 'npm run test:faults -- --seed 42',
        seed: 42,
        txsFound: 14436,
      },
    });
    const reproduce = text.slice(text.indexOf('## Reproduce'));
    assert.match(reproduce, /^TALLY_BENCH_SCALE=10k,1M npm run bench -- --only scale$/m);
    assert.match(reproduce, /^npm run test:faults -- --seed 42$/m);
    assert.match(reproduce, /^npm run bench:report$/m);
    // A file without a results list shows its top-level numbers.
    assert.match(text, /## faults[\s\S]*\| txsFound \| 14,436 \| {2}\|/);
  });

  it('shows the load ladder and links the chart', () => {
    const text = render({
      'network.json': { machine, date: '2026-11-26T09:00:00.000Z', results: [] },
      'network.steps.json': ladder,
      'network.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    });
    assert.match(text, /### Load ladder/);
    assert.match(
      text,
      /\| 4 \| 500 \| 480 \| 410 \| 700 \| 1,200 \| 1,500 \| 3.00 \| 81.5 \/ 78.0 \| 16.5 \/ 15.0 \| 300 \/ 290 \| 250 \/ 241 \| 48.0 \/ 47.0 \| 0.00 \/ 0.00 \|$/m,
    );
    assert.match(text, /!\[network: throughput and latency\]\(results\/network\.svg\)/);
  });

  it('describes a chart by its SVG title when it has one', () => {
    const text = render({
      'soak.json': { machine, date: '2026-12-06T15:00:00.000Z', results: [] },
      'soak.svg':
        '<svg xmlns="http://www.w3.org/2000/svg"><title>Soak: memory &amp; time</title></svg>',
    });
    assert.match(text, /!\[Soak: memory & time\]\(results\/soak\.svg\)/);
  });

  it('shows n/a for the kernel share and RSS parts of a steps file written before they were measured', () => {
    const [first] = ladder.steps;
    const older = {
      steps: [
        { ...first, nodes: first!.nodes.map(({ cpuPct, rssMaxMiB }) => ({ cpuPct, rssMaxMiB })) },
      ],
    };
    const text = render({
      'network.json': { machine, date: '2026-11-26T09:00:00.000Z', results: [] },
      'network.steps.json': older,
    });
    assert.match(
      text,
      /\| 81.5 \/ 78.0 \| n\/a \/ n\/a \| 300 \/ 290 \| n\/a \/ n\/a \| n\/a \/ n\/a \| n\/a \/ n\/a \|$/m,
    );
  });

  it('renders the same text for the same files', () => {
    const { bench, results } = benchDir({
      'scale.json': scaleRun,
      'scale.previous.json': scalePrevious,
      'network.json': { machine, date: '2026-11-26T09:00:00.000Z', results: [] },
      'network.steps.json': ladder,
    });
    assert.equal(renderReport(results, bench), renderReport(results, bench));
  });

  it('error: a results file that is not JSON', () => {
    assert.throws(
      () => render({ 'scale.json': '{ not json' }),
      (error: unknown) =>
        error instanceof TallyError &&
        error.code === 'bench_results_invalid' &&
        error.message === 'scale.json: not valid JSON',
    );
  });

  it('error: a result without a finite value', () => {
    assert.throws(
      () =>
        render({ 'scale.json': { machine, results: [{ name: 'x', value: null, unit: 'ops/s' }] } }),
      /^TallyError: scale\.json: results\[0\]: expected \{ name, value, unit \} with a finite value$/,
    );
  });
});
