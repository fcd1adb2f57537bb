// Tally's figures read back from the network group's results (the ladder's names and the older
// ones), the ratios to the peers, and the side-by-side table.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  loadTallyFigures,
  ratioResults,
  type SystemFigure,
  sideBySide,
  tallyFiguresOf,
} from '../../bench/peers/ratios.ts';

const ladderResults = [
  { name: '4 validators: bound (all-core Ed25519 verifies/s / 4)', value: 5000, unit: 'tx/s' },
  { name: '4 validators: final tx/s at 75% load', value: 390, unit: 'tx/s' },
  { name: '4 validators: final tx/s at 75% load as % of bound', value: 7.8, unit: '%' },
  { name: '4 validators: finality p50 at 75% load', value: 150, unit: 'ms' },
  { name: '4 validators: finality p99 at 75% load', value: 480, unit: 'ms' },
  { name: '4 validators: final tx/s at 100% load', value: 420, unit: 'tx/s' },
  { name: '4 validators: finality p50 at 100% load', value: 210, unit: 'ms' },
  { name: '4 validators: finality p99 at 100% load', value: 900, unit: 'ms' },
  { name: '4 validators: most final tx/s on the ladder', value: 420, unit: 'tx/s' },
  { name: '1 validator: most final tx/s on the ladder', value: 1400, unit: 'tx/s' },
  { name: '1 validator: final tx/s at 125% load', value: 1400, unit: 'tx/s' },
  { name: '1 validator: finality p50 at 125% load', value: 70, unit: 'ms' },
  { name: '1 validator: finality p99 at 125% load', value: 1300, unit: 'ms' },
];

test('takes the best final throughput per validator count, with the latencies of that step', () => {
  const figures = tallyFiguresOf(ladderResults);
  assert.deepEqual([...figures.keys()], [1, 4]);
  assert.deepEqual(figures.get(4), {
    label: 'tally, 4 validators',
    perSec: 420,
    p50Ms: 210,
    p99Ms: 900,
  });
  assert.deepEqual(figures.get(1), {
    label: 'tally, 1 validator',
    perSec: 1400,
    p50Ms: 70,
    p99Ms: 1300,
  });
});

test('reads the older result names, without latencies it cannot pair', () => {
  const figures = tallyFiguresOf([
    { name: '4 validator(s): final transfers/s at 800/s offered', value: 412.5, unit: 'tx/s' },
    { name: '4 validator(s): final transfers/s at 206/s offered', value: 206.7, unit: 'tx/s' },
    { name: '4 validator(s): finality p50 at 206/s', value: 163, unit: 'ms' },
  ]);
  const four = figures.get(4);
  assert.equal(four?.perSec, 412.5);
  assert.ok(Number.isNaN(four?.p50Ms));
});

const peers: SystemFigure[] = [
  { label: 'pgbench 8 clients', perSec: 700, p50Ms: 8, p99Ms: 80 },
  { label: 'hardhat', perSec: 840, p50Ms: 20, p99Ms: 300 },
  { label: 'pgbench 1 client', perSec: 0, p50Ms: Number.NaN, p99Ms: Number.NaN },
];

test('names each ratio after Tally and the peer, skipping a peer that measured nothing', () => {
  const ratios = ratioResults(tallyFiguresOf(ladderResults), peers);
  assert.deepEqual(
    ratios.map((r) => [r.name, r.value, r.unit]),
    [
      ['ratio tally 1 validator / pgbench 8 clients', 2, 'x'],
      ['ratio tally 1 validator / hardhat', 1400 / 840, 'x'],
      ['ratio tally 4 validators / pgbench 8 clients', 0.6, 'x'],
      ['ratio tally 4 validators / hardhat', 0.5, 'x'],
    ],
  );
});

test('the side-by-side table has a row per system and a ratio column per validator count', () => {
  const lines = sideBySide(tallyFiguresOf(ladderResults), peers.slice(0, 2));
  assert.equal(lines.length, 5);
  assert.match(lines[0]!, /^system\s+per s\s+p50 ms\s+p99 ms\s+tally 1v \/ it\s+tally 4v \/ it$/);
  assert.match(lines[2]!, /^tally, 4 validators\s+420\s+210\s+900\s*$/);
  assert.match(lines[3]!, /^pgbench 8 clients\s+700\s+8\s+80\s+2\.00x\s+0\.60x$/);
  assert.match(lines[4]!, /^hardhat\s+840\s+20\s+300\s+1\.67x\s+0\.50x$/);
});

test('loads Tally figures and their date from network.json; none when the group has not run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-test-peers-'));
  try {
    assert.equal(loadTallyFigures(dir), undefined);
    const run = { machine: { cpus: 2 }, date: '2026-11-25T16:42:55.614Z', results: ladderResults };
    writeFileSync(join(dir, 'network.json'), JSON.stringify(run));
    const loaded = loadTallyFigures(dir);
    assert.equal(loaded?.date, '2026-11-25T16:42:55.614Z');
    assert.equal(loaded?.byValidators.get(4)?.perSec, 420);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
