// Where the CLI gets a key file's passphrase: an environment variable or a file, never an argument
// (arguments show up in process listings and shell history).
import { readFileSync } from 'node:fs';
import { TallyError } from '../util/errors.ts';

export type PassphraseOptions = { passphraseEnv: string; passphraseFile?: string };

export function readPassphrase(options: PassphraseOptions): string {
  if (options.passphraseFile !== undefined) {
    try {
      return readFileSync(options.passphraseFile, 'utf8').replace(/\r?\n$/, '');
    } catch (cause) {
      throw new TallyError(
        'passphrase_unreadable',
        `Cannot read the passphrase file ${options.passphraseFile}.`,
        { cause },
      );
    }
  }
  const value = process.env[options.passphraseEnv];
  if (value === undefined || value === '') {
    throw new TallyError(
      'passphrase_missing',
      `No passphrase: set the ${options.passphraseEnv} environment variable or pass --passphrase-file FILE.`,
    );
  }
  return value;
}
