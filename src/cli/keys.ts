// `tally keys`: create and inspect signing keys stored encrypted at rest (scrypt + AES-256-GCM), and
// register, revoke and list an organisation's API keys on chain (keys-chain.ts).
import type { Command } from 'commander';
import { loadKeyFile, saveKeyFile } from '../crypto/keyfile.ts';
import type { SuiteId } from '../crypto/suite.ts';
import { getSuite, isSuiteId } from '../crypto/suites.ts';
import { toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import { registerChainKeyCommands } from './keys-chain.ts';
import { type PassphraseOptions, readPassphrase } from './passphrase.ts';

function parseSuite(value: string): SuiteId {
  if (!isSuiteId(value))
    throw new TallyError('unknown_suite', `Unknown suite '${value}': use ed25519, p256 or sm2.`);
  return value;
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('create encrypted signing keys; register, revoke and list API keys on chain');
  keys
    .command('generate')
    .description('generate a key pair and save it encrypted with a passphrase')
    .requiredOption('--out <file>', 'where to write the key file (never overwritten)')
    .option('--suite <suite>', 'signature suite: ed25519, p256 or sm2', 'ed25519')
    .option(
      '--passphrase-env <name>',
      'environment variable holding the passphrase',
      'TALLY_PASSPHRASE',
    )
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .action((options: PassphraseOptions & { out: string; suite: string }) => {
      const suite = getSuite(parseSuite(options.suite));
      const keyPair = suite.generateKeyPair();
      saveKeyFile(options.out, keyPair, readPassphrase(options));
      console.log(
        JSON.stringify(
          { file: options.out, suite: suite.id, publicKey: toHex(keyPair.publicKey) },
          null,
          2,
        ),
      );
    });
  keys
    .command('show')
    .description('decrypt a key file and print its suite and public key (checks the passphrase)')
    .argument('<file>', 'key file')
    .option(
      '--passphrase-env <name>',
      'environment variable holding the passphrase',
      'TALLY_PASSPHRASE',
    )
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .action((file: string, options: PassphraseOptions) => {
      const keyPair = loadKeyFile(file, readPassphrase(options));
      console.log(
        JSON.stringify(
          { file, suite: keyPair.suite, publicKey: toHex(keyPair.publicKey) },
          null,
          2,
        ),
      );
    });
  registerChainKeyCommands(keys);
}
