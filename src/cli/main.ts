// The `tally` command. Each subcommand lives in its own file and registers itself here; errors that
// users can act on (TallyError, CodecError) print their code and message, anything else is a bug.
import { Command, CommanderError } from 'commander';
import { CodecError } from '../codec/index.ts';
import { TallyError } from '../util/errors.ts';
import { registerBenchCommand } from './bench.ts';
import { registerCodecCommand } from './codec.ts';
import { registerKeysCommand } from './keys.ts';
import { registerNetworkCommand, registerNetworkShortcuts } from './network/commands.ts';
import { registerNodeCommand } from './node-command.ts';
import { registerQueryCommand } from './query-command.ts';
import { registerRemitCommand } from './remit-command.ts';
import { registerStartCommand } from './start.ts';
import { registerTxCommand } from './tx-command.ts';
import { registerValidatorsCommand } from './validators-command.ts';

export const version = '0.1.0';

export function createProgram(): Command {
  const program = new Command('tally')
    .description(
      'Tally: a consortium blockchain with BFT finality, private data and proofs anyone can check',
    )
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStartCommand(program);
  registerNodeCommand(program);
  registerNetworkCommand(program);
  registerNetworkShortcuts(program);
  registerTxCommand(program);
  registerQueryCommand(program);
  registerRemitCommand(program);
  registerKeysCommand(program);
  registerValidatorsCommand(program);
  registerCodecCommand(program);
  registerBenchCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await createProgram().parseAsync([...argv]);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof TallyError || error instanceof CodecError) {
    console.error(`error [${error.code}]: ${error.message}`);
    return 1;
  }
  console.error('internal error (a bug in tally; please report it with this output):');
  console.error(error);
  return 70;
}
