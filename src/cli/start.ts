// `tally start`, what `npm start` runs: a local consortium in the foreground. The first run creates
// the network (`tally network init`, 4 demo organisations) under ./.tally/network; every run starts
// its nodes as child processes, prints their logs, seeds the demo data once, and stops them all on
// Ctrl-C. The next run resumes the same chain.
import type { Command } from 'commander';
import { TallyError } from '../util/errors.ts';
import {
  checkPassphrases,
  initWithProgress,
  printApiUrls,
  refuseWhileRunning,
  requireNodeStart,
  runningNodes,
} from './network/actions.ts';
import {
  isLoopbackNetwork,
  orgsWithoutOperatorKey,
  writeConsoleDemoKeys,
} from './network/console-keys.ts';
import { type Cluster, startCluster } from './network/foreground.ts';
import { hasNetwork, removeNetwork } from './network/init.ts';
import { networkDirDefault } from './network/layout.ts';
import { loadNetwork, type Network } from './network/network.ts';
import { parseIntOption, parsePlanOptions, timeoutSecondsMax } from './network/options.ts';
import { planNetwork } from './network/plan.ts';
import { readyTimeoutMsDefault, waitReady } from './network/probe.ts';
import { stopTimeoutMsDefault } from './network/processes.ts';
import { seedDemoData } from './network/seed.ts';

type StartOptions = {
  dir: string;
  apiPort: string;
  p2pPort: string;
  orgs: string;
  fresh: boolean;
  timeout: string;
};

const demoChainId = 'tally-local';
const demoHost = '127.0.0.1';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run a local consortium in the foreground (what npm start runs): creates it on the first run, then starts its nodes, prints their logs, and stops them on Ctrl-C',
    )
    .option('--dir <dir>', 'the network folder (created on the first run)', networkDirDefault)
    .option('--api-port <port>', 'API port of the first node when creating the network', '8080')
    .option('--p2p-port <port>', 'peer port of the first node when creating the network', '26600')
    .option(
      '--orgs <n>',
      'organisations when creating the network (the first four run validators; the fifth, the PH regulator, an observer)',
      '5',
    )
    .option('--fresh', 'delete the network in --dir and create a new one', false)
    .option(
      '--timeout <seconds>',
      'how long to wait for the nodes to be ready',
      String(readyTimeoutMsDefault / 1000),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ npm start
  $ npm start -- --fresh
  $ tally start --dir /tmp/tally-demo --orgs 7 --api-port 9000

The nodes keep their chains in <dir>/nodes/<node>/data; their full logs are in node.log beside it.
`,
    )
    .action(async (options: StartOptions, command: Command) => runStart(options, command));
}

function prepareNetwork(options: StartOptions, command: Command): Network {
  const plan = planNetwork(
    parsePlanOptions({
      orgs: options.orgs,
      observers: '0',
      chainId: demoChainId,
      host: demoHost,
      apiPort: options.apiPort,
      p2pPort: options.p2pPort,
    }),
  );
  const exists = hasNetwork(options.dir);
  if (exists && !options.fresh) {
    const given = ['orgs', 'apiPort', 'p2pPort'].some(
      (o) => command.getOptionValueSource(o) === 'cli',
    );
    if (given)
      console.log(
        `note: ${options.dir} already holds a network, so --orgs and the ports apply only with --fresh`,
      );
    return loadNetwork(options.dir);
  }
  if (exists) {
    refuseWhileRunning(options.dir);
    removeNetwork(options.dir);
  }
  console.log(`creating a ${plan.orgs.length}-organisation network in ${options.dir}`);
  initWithProgress(plan, { dir: options.dir, force: false });
  return loadNetwork(options.dir);
}

function refuseRunning(network: Network): void {
  const running = runningNodes(network);
  if (running.length > 0) {
    throw new TallyError(
      'network_running',
      `${running.map((r) => r.node.nodeId).join(', ')} already running from ${network.dir}: stop them with 'tally network down --dir ${network.dir}'.`,
    );
  }
}

async function runStart(options: StartOptions, command: Command): Promise<void> {
  requireNodeStart(command);
  const readyTimeoutMs = parseIntOption(options.timeout, 'timeout', 1, timeoutSecondsMax) * 1000;
  const network = prepareNetwork(options, command);
  refuseRunning(network);
  checkPassphrases(network);
  // The console signs with these on the loopback demo; a network reachable from elsewhere gets none.
  if (isLoopbackNetwork(network)) writeConsoleDemoKeys(network);
  const unmanaged = orgsWithoutOperatorKey(network);
  if (unmanaged.length > 0)
    console.log(
      `note: ${unmanaged.join(', ')} hold no operator key (a network made by an older version), so nobody can manage their keys; 'npm start -- --fresh' re-creates the network, deleting its chain`,
    );
  console.log(
    `Tally local consortium ${network.genesis.chainId}: ${network.nodes.length} nodes, data in ${network.dir}/nodes (Ctrl-C stops them)`,
  );
  const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  const cluster = startCluster(network, color);
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) return cluster.kill(); // a second Ctrl-C: no more waiting
    const count = network.nodes.length;
    console.log(`\n${signal}: stopping ${count} node${count === 1 ? '' : 's'}...`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runUntilStopped(network, cluster, stop.signal, readyTimeoutMs);
  } finally {
    await cluster.stop(stopTimeoutMsDefault);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!stop.signal.aborted) {
    throw new TallyError(
      'nodes_exited',
      `every node exited: see the node.log files under ${network.dir}/nodes.`,
    );
  }
  console.log('all nodes stopped; npm start resumes this network');
}

async function runUntilStopped(
  network: Network,
  cluster: Cluster,
  signal: AbortSignal,
  readyTimeoutMs: number,
): Promise<void> {
  await waitReady(network.nodes, {
    timeoutMs: readyTimeoutMs,
    signal,
    exitedNode: cluster.firstExited,
  });
  if (signal.aborted) return;
  console.log('ready. API:');
  printApiUrls(network);
  const consoleNode = network.nodes[0];
  if (consoleNode !== undefined) console.log(`Console: ${consoleNode.apiUrl}/`);
  try {
    const seed = await seedDemoData(network);
    console.log(
      seed.seeded
        ? `demo data: seeded (${seed.transactions} transactions)`
        : 'demo data: already seeded',
    );
  } catch (error) {
    // The network is up and useful without the demo data: say what failed and keep it running.
    const code = error instanceof TallyError ? ` [${error.code}]` : '';
    console.error(`demo data not seeded${code}: ${(error as Error).message}`);
  }
  if (signal.aborted) return;
  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  await Promise.race([aborted, cluster.allExited]);
}
