// Runs the `tally` command as a user does (a real child process) and finds free ports for networks.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
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

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose next `count` ports are free now (random, so parallel test files rarely meet). */
export async function findFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} free consecutive ports found`);
}
