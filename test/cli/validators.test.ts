// `tally validators` as a user runs it, where no node is needed: help with examples, and options
// refused before anything is signed or sent. The commands against a network are tested in
// test/api/governance.test.ts, which has one running.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fastKeysEnv, runTally } from './tally-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'tally-validators-cli-'));
const keyFile = join(dir, 'ops.key');
const env = { ...fastKeysEnv, TALLY_PASSPHRASE: 'ops passphrase' };
/** Nothing listens here: a command that got as far as the network would fail differently. */
const signer = ['--url', 'http://127.0.0.1:9', '--key-file', keyFile];

before(async () => {
  const generated = await runTally(['keys', 'generate', '--out', keyFile], env);
  assert.equal(generated.code, 0, generated.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('tally validators', () => {
  it('prints help with examples for each subcommand', async () => {
    const subs = ['list', 'proposals', 'propose', 'approve', 'withdraw'];
    const [top, ...results] = await Promise.all([
      runTally(['validators', '--help']),
      ...subs.map((sub) => runTally(['validators', sub, '--help'])),
    ]);
    assert.equal(top?.code, 0);
    for (const sub of subs) assert.match(top?.stdout ?? '', new RegExp(`^  ${sub}\\b`, 'm'));
    results.forEach((result, i) => {
      assert.equal(result.code, 0, subs[i]);
      assert.match(result.stdout, new RegExp(`^Usage: tally validators ${subs[i]} `));
      assert.match(result.stdout, new RegExp(`\\$ tally validators ${subs[i]}\\b`));
    });
    assert.match(results[2]!.stdout, /more than 2\/3 of the organisations/);
  });

  it('error: malformed node ids, notes, ids and limits, before anything is sent', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['propose', '--nodes', 'hk-wallet-1,HK', ...signer],
        /^error \[bad_option\]: validators\[1\]: a node id is 1 to 64 lower-case letters, digits or dashes$/m,
      ],
      [
        ['propose', '--nodes', 'a-1,a-1', ...signer],
        /^error \[bad_option\]: validators\[1\]: a-1 appears twice$/m,
      ],
      [
        ['propose', '--nodes', 'a-1', '--note', 'n'.repeat(281), ...signer],
        /^error \[bad_option\]: note: at most 280 characters$/m,
      ],
      [
        ['approve', '0', ...signer],
        /^error \[bad_option\]: 0: a proposal id is a whole number from 1\.$/m,
      ],
      [
        ['withdraw', 'two', ...signer],
        /^error \[bad_option\]: two: a proposal id is a whole number from 1\.$/m,
      ],
      [
        ['proposals', '--limit', '101', ...signer],
        /^error \[bad_option\]: --limit must be 1 to 100\.$/m,
      ],
      [
        ['list', '--height', 'latest', '--url', 'http://127.0.0.1:9'],
        /^error \[bad_option\]: --height must be a block height \(0 or more\)\.$/m,
      ],
    ];
    const results = await Promise.all(
      cases.map(([args]) => runTally(['validators', ...args], env)),
    );
    results.forEach((result, i) => {
      assert.equal(result.code, 1, cases[i]![0].join(' '));
      assert.match(result.stderr, cases[i]![1]);
    });
  });

  it('error: a write without an operator key says how to give one', async () => {
    const result = await runTally(
      ['validators', 'approve', '1', '--url', 'http://127.0.0.1:9'],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error \[key_required\]: this command needs an API key with the operator role/m,
    );
  });
});
