// The `tally` command as a user runs it: a real process, real files, exit codes and messages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const bin = join(import.meta.dirname, '../../bin/tally.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tally-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tally(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tally CLI', () => {
  it('prints help for the program and every subcommand', () => {
    const top = tally(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['start', 'keys', 'codec', 'bench'])
      assert.match(top.stdout, new RegExp(`\\b${command}\\b`));
    for (const sub of [
      ['start'],
      ['keys', 'generate'],
      ['keys', 'show'],
      ['codec', 'decode'],
      ['bench'],
    ]) {
      const result = tally([...sub, '--help']);
      assert.equal(result.code, 0, sub.join(' '));
      assert.match(result.stdout, /^Usage: tally /);
    }
  });

  it('generates an encrypted key file and shows it with the right passphrase', () => {
    const file = join(dir, 'validator.key');
    const created = tally(['keys', 'generate', '--suite', 'ed25519', '--out', file], {
      TALLY_PASSPHRASE: 'correct horse',
    });
    assert.equal(created.code, 0, created.stderr);
    const publicKey = JSON.parse(created.stdout).publicKey as string;
    assert.match(publicKey, /^[0-9a-f]{64}$/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const shown = tally(['keys', 'show', file], { TALLY_PASSPHRASE: 'correct horse' });
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).publicKey, publicKey);
  });

  it('error: a wrong passphrase is a coded error, not a crash', () => {
    const file = join(dir, 'other.key');
    assert.equal(tally(['keys', 'generate', '--out', file], { TALLY_PASSPHRASE: 'one' }).code, 0);
    const shown = tally(['keys', 'show', file], { TALLY_PASSPHRASE: 'two' });
    assert.equal(shown.code, 1);
    assert.match(shown.stderr, /^error \[keyfile_wrong_passphrase_or_tampered\]: /);
  });

  it('error: no passphrase says how to give one', () => {
    const result = tally(['keys', 'generate', '--out', join(dir, 'x.key')], {
      TALLY_PASSPHRASE: '',
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error \[passphrase_missing\]: No passphrase: set the TALLY_PASSPHRASE environment variable/,
    );
  });

  it('decodes canonical bytes and explains refused ones', () => {
    const ok = tally(['codec', 'decode', 'a2616101616202']);
    assert.equal(ok.code, 0);
    assert.deepEqual(JSON.parse(ok.stdout), { a: 1, b: 2 });
    const refused = tally(['codec', 'decode', 'a2616201616101']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error \[non_canonical\]: value: not the canonical encoding/);
  });

  it('start runs the ledger demo, verifies a proof, and resumes where it stopped', () => {
    const dataDir = join(dir, 'chain');
    const first = tally(['start', '--data-dir', dataDir, '--blocks', '2', '--txs-per-block', '50']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /committed {2}100 signed transfers in 2 blocks \(none refused\)/);
    assert.match(first.stdout, /proof {6}verified against the state root/);
    const height = Number(/height {5}(\d+)/.exec(first.stdout)?.[1]);
    const second = tally([
      'start',
      '--data-dir',
      dataDir,
      '--blocks',
      '1',
      '--txs-per-block',
      '50',
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`resuming at height ${height}\\b`));
    assert.match(second.stdout, new RegExp(`height {5}${height + 1}\\b`));
    assert.match(second.stdout, /\(none refused\)/);
  });

  it('error: a bad option value says what is allowed', () => {
    const result = tally(['start', '--data-dir', join(dir, 'x'), '--blocks', 'many']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error \[bad_option\]: --blocks must be a whole number from 1 to 100000\./,
    );
  });

  it('error: an unknown command is refused with usage help', () => {
    const result = tally(['frobnicate']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});
