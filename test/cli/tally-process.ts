// Runs the `tally` command as a user does (a real child process).
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tallyBin = join(import.meta.dirname, '../../bin/tally.mjs');

/** The lowest scrypt cost the key file module accepts: key generation stays fast in tests. */
export const fastKeysEnv = { TALLY_SCRYPT_N: '1024', TALLY_KEY_PASSPHRASE: '' };

export type TallyResult = { code: number; stdout: string; stderr: string };

/** Runs `tally args...` to completion; asynchronous, so independent runs can overlap. */
export function runTally(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<TallyResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tallyBin, ...args],
      // A neutral working folder: the command must not pick up a ./.tally network of whoever runs the tests.
      {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { ...process.env, ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
