// The `tally` command as a user runs it: a real process, real files, exit codes and messages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runTally } from './tally-process.ts';

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
  it('prints help for the program and every subcommand', async () => {
    const subs = [
      ['start'],
      ['keys', 'generate'],
      ['keys', 'show'],
      ['codec', 'decode'],
      ['bench'],
    ];
    // The runs are independent: overlapping them saves most of their start-up time.
    const [top, ...results] = await Promise.all([
      runTally(['--help']),
      ...subs.map((sub) => runTally([...sub, '--help'])),
    ]);
    assert.equal(top?.code, 0);
    for (const command of ['start', 'node', 'network', 'keys', 'codec', 'bench'])
      assert.match(top?.stdout ?? '', new RegExp(`\\b${command}\\b`));
    results.forEach((result, i) => {
      assert.equal(result.code, 0, subs[i]!.join(' '));
      assert.match(result.stdout, /^Usage: tally /);
    });
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
    assert.match(refused.stderr, /error \[non_canonical\]: value: map keys out of order at byte 4/);
  });

  it('error: a bad option value says what is allowed', () => {
    const result = tally(['start', '--dir', join(dir, 'x'), '--orgs', 'many']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      'error [bad_option]: --orgs must be a whole number from 1 to 64.',
    );
  });

  it('error: an unknown command is refused with usage help', () => {
    const result = tally(['frobnicate']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});
