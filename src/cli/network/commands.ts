// `tally network init|up|down|status`: an operator's local or demo consortium, one folder per
// network (see layout.ts), nodes started as background processes. `tally up|down|status` are the
// same three commands at the top level, for the network in ./.tally/network unless --dir says.
import type { Command } from 'commander';
import {
  downNetwork,
  initWithProgress,
  printApiUrls,
  printInitSummary,
  requireNodeStart,
  upNetwork,
} from './actions.ts';
import { networkDirDefault } from './layout.ts';
import { loadNetwork } from './network.ts';
import { keyPassphraseEnv } from './node-config.ts';
import {
  parseIntOption,
  parsePlanOptions,
  type RawPlanOptions,
  readKeyPassphrase,
  scryptNEnv,
  timeoutSecondsMax,
} from './options.ts';
import { planNetwork } from './plan.ts';
import { readyTimeoutMsDefault } from './probe.ts';
import { stopTimeoutMsDefault } from './processes.ts';
import { collectStatus, renderTable } from './status.ts';

type DirOption = { dir: string };
type TimeoutOption = DirOption & { timeout: string };

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function registerNetworkCommand(program: Command): void {
  const network = program
    .command('network')
    .description('create, start, stop and inspect a consortium of nodes kept in one folder')
    .addHelpText(
      'after',
      examples([
        'tally network init --orgs 4',
        'tally network up',
        'tally network status',
        'tally network down',
      ]),
    );
  registerInit(network);
  registerUp(network, 'tally network');
  registerDown(network, 'tally network');
  registerStatus(network, 'tally network');
}

/** `tally up`, `tally down` and `tally status`: the network commands without the `network`. */
export function registerNetworkShortcuts(program: Command): void {
  registerUp(program, 'tally');
  registerDown(program, 'tally');
  registerStatus(program, 'tally');
}

function registerInit(network: Command): void {
  network
    .command('init')
    .description(
      'create a network: a CA and API client key per organisation, TLS certificates, consensus keys and a config per node, and the genesis',
    )
    .option('--dir <dir>', 'folder to create the network in', networkDirDefault)
    .option('--orgs <n>', 'member organisations, one validator node each', '4')
    .option('--observers <n>', 'observer nodes, spread over the organisations', '0')
    .option('--chain-id <id>', 'the chain id in the genesis', 'tally-local')
    .option('--host <host>', 'address the nodes listen on and peers dial', '127.0.0.1')
    .option('--api-port <port>', 'API port of the first node (node i: port + i)', '8080')
    .option('--p2p-port <port>', 'peer port of the first node (node i: port + i)', '26600')
    .option('--force', 'replace a network already in the folder (its nodes must be stopped)', false)
    .addHelpText(
      'after',
      `${examples([
        'tally network init',
        'tally network init --dir /srv/tally --orgs 7 --observers 2 --chain-id acme-net',
        'TALLY_KEY_PASSPHRASE=... tally network init --force',
      ])}
Key files are encrypted with ${keyPassphraseEnv} when it is set; otherwise each organisation gets
a random passphrase in orgs/<org>/passphrase (demo networks). ${scryptNEnv} lowers the scrypt
cost of the key files (tests only).
`,
    )
    .action((options: RawPlanOptions & DirOption & { force: boolean }) => {
      const plan = planNetwork(parsePlanOptions(options));
      initWithProgress(plan, { dir: options.dir, force: options.force });
      printInitSummary(loadNetwork(options.dir), readKeyPassphrase() !== undefined);
      console.log(`start it with: tally network up --dir ${options.dir}`);
    });
}

/** `prefix` is how the command is typed: `tally network` or `tally`. */
function registerUp(parent: Command, prefix: string): void {
  parent
    .command('up')
    .description(
      "start every node of the network in the background (logs in nodes/<id>/node.log); wait until they're ready",
    )
    .option('--dir <dir>', 'the network folder', networkDirDefault)
    .option(
      '--timeout <seconds>',
      'how long to wait for the nodes to be ready',
      String(readyTimeoutMsDefault / 1000),
    )
    .addHelpText('after', examples([`${prefix} up`, `${prefix} up --dir /srv/tally --timeout 120`]))
    .action(async (options: TimeoutOption, command: Command) => {
      requireNodeStart(command);
      const seconds = parseIntOption(options.timeout, 'timeout', 1, timeoutSecondsMax);
      const started = await upNetwork(options.dir, seconds * 1000);
      console.log(`network ${started.genesis.chainId} is up:`);
      printApiUrls(started);
    });
}

function registerDown(parent: Command, prefix: string): void {
  parent
    .command('down')
    .description(
      'stop every node of the network: SIGTERM, then SIGKILL for any still running after the timeout',
    )
    .option('--dir <dir>', 'the network folder', networkDirDefault)
    .option(
      '--timeout <seconds>',
      'how long a node may take to stop',
      String(stopTimeoutMsDefault / 1000),
    )
    .addHelpText(
      'after',
      examples([`${prefix} down`, `${prefix} down --dir /srv/tally --timeout 30`]),
    )
    .action(async (options: TimeoutOption) => {
      const seconds = parseIntOption(options.timeout, 'timeout', 1, timeoutSecondsMax);
      await downNetwork(options.dir, seconds * 1000);
    });
}

function registerStatus(parent: Command, prefix: string): void {
  parent
    .command('status')
    .description("show each node's pid, whether it runs and is ready, its height and its peers")
    .option('--dir <dir>', 'the network folder', networkDirDefault)
    .option('--json', 'print the rows as JSON', false)
    .addHelpText('after', examples([`${prefix} status`, `${prefix} status --json`]))
    .action(async (options: DirOption & { json: boolean }) => {
      const rows = await collectStatus(options.dir);
      console.log(options.json ? JSON.stringify(rows, null, 2) : renderTable(rows));
    });
}
