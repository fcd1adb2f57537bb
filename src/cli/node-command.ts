// `tally node start --config <file>`: runs one node until SIGINT or SIGTERM, then closes it in
// order (API, network, consensus, execution, storage) and exits 0.
import type { Command } from 'commander';
import { loadConfig } from '../node/config.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--api-port: "${value}" is not a port number 0..65535`);
  return port;
}

export function registerNodeCommand(program: Command): void {
  const node = program.command('node').description('Run and inspect one node');
  node
    .command('start')
    .description('Start a node from its config file and run it until Ctrl-C (SIGINT) or SIGTERM')
    .requiredOption(
      '-c, --config <file>',
      'the node config file (as `tally network init` writes it)',
    )
    .option('--api-port <port>', "serve the API on this port instead of the config's", parsePort)
    .option('--api-host <host>', "serve the API on this address instead of the config's")
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--data-dir <dir>', "keep the ledger here instead of the config's dataDir")
    .addHelpText(
      'after',
      `
Environment: TALLY_KEY_PASSPHRASE (the node key's passphrase), TALLY_API_PORT, TALLY_API_HOST,
TALLY_LOG_LEVEL, TALLY_DATA_DIR. Flags win over the environment, which wins over the file.

Example:
  $ tally node start --config .tally/network/nodes/hk-wallet-1/config.json`,
    )
    .action(
      async (opts: {
        config: string;
        apiPort?: number;
        apiHost?: string;
        logLevel?: string;
        dataDir?: string;
      }) => {
        const config = loadConfig(opts.config, {
          apiPort: opts.apiPort,
          apiHost: opts.apiHost,
          logLevel: opts.logLevel,
          dataDir: opts.dataDir,
        });
        // Loaded here, not at the top: every other tally command starts faster without the node.
        const { createNode } = await import('../node/node.ts');
        const running = await createNode(config);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await running.close();
      },
    );
}
