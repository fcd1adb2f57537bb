// How `tally tx` and `tally query` reach a node and sign: an API client key from a key file (with its
// passphrase from a file or the environment) or from a network folder's organisation, and the node's URL.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadKeyFile } from '../crypto/keyfile.ts';
import type { KeyRole } from '../node/genesis.ts';
import {
  accountFromSecretKey,
  type Client,
  createClient,
  type LocalAccount,
} from '../sdk/index.ts';
import { TallyError } from '../util/errors.ts';
import { genesisPath, networkDirDefault } from './network/layout.ts';
import { loadNetwork, type Network, type NetworkClient } from './network/network.ts';
import { keyPassphraseEnv } from './network/node-config.ts';
import { readPassphrase } from './passphrase.ts';

/** Where a key file given with --key-file finds its passphrase by default (as `tally keys` does). */
export const keyFilePassphraseEnv = 'TALLY_PASSPHRASE';

/** The connection options every tx and query command takes (commander's camelCase names). */
export type ConnectionOptions = {
  network?: string;
  org?: string;
  key?: string;
  keyFile?: string;
  url?: string;
  passphraseEnv: string;
  passphraseFile?: string;
};

export type Connection = {
  readonly client: Client;
  readonly url: string;
  /** The network folder, when one was given or the default one exists. */
  readonly network: Network | undefined;
  /** Who signs, for messages: `org/key name` or the key file. */
  readonly signerLabel: string | undefined;
};

/** Adds --network, --org, --key, --key-file, --passphrase-* and --url to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--network <dir>',
      `the network folder: its nodes and organisations' API keys (default ${networkDirDefault} when it exists)`,
    )
    .option('--org <orgId>', "use this organisation's API client key and its node")
    .option('--key <name>', 'use the client key with this name from the network folder')
    .option('--key-file <file>', 'use this encrypted key file instead (see tally keys generate)')
    .option(
      '--passphrase-env <name>',
      'environment variable holding the --key-file passphrase',
      keyFilePassphraseEnv,
    )
    .option('--passphrase-file <file>', 'file holding the --key-file passphrase')
    .option('--url <url>', "the node's API URL (default: the organisation's node in --network)");
}

function openNetwork(options: ConnectionOptions): Network | undefined {
  if (options.network !== undefined) return loadNetwork(options.network);
  return existsSync(genesisPath(networkDirDefault)) ? loadNetwork(networkDirDefault) : undefined;
}

/** Decrypts a network client's key with its passphrase file, or TALLY_KEY_PASSPHRASE. */
export function loadNetworkAccount(client: NetworkClient): LocalAccount {
  const passphrase = readPassphrase({
    passphraseEnv: keyPassphraseEnv,
    ...(client.passphraseFile === undefined ? {} : { passphraseFile: client.passphraseFile }),
  });
  const pair = loadKeyFile(client.keyFile, passphrase);
  return accountFromSecretKey(pair.suite, pair.secretKey);
}

/** The network's client key chosen by --key or --org, else the first one holding `role`. */
export function pickNetworkClient(
  network: Network,
  options: Pick<ConnectionOptions, 'org' | 'key'>,
  role: KeyRole,
): NetworkClient {
  const { org, key } = options;
  if (org !== undefined && !network.genesis.organizations.some((o) => o.id === org)) {
    const known = network.genesis.organizations.map((o) => o.id).join(', ');
    throw new TallyError(
      'unknown_org',
      `--org ${org} is not in ${network.dir}: use one of ${known}.`,
    );
  }
  const candidates = network.clients.filter(
    (c) => (org === undefined || c.orgId === org) && (key === undefined || c.name === key),
  );
  const client = candidates.find((c) => c.roles.includes(role));
  if (client !== undefined) return client;
  const which = key !== undefined ? `key ${key}` : org !== undefined ? `organisation ${org}` : '';
  throw new TallyError(
    'no_client_key',
    candidates.length === 0
      ? `${network.dir} has no API client key${which === '' ? '' : ` for ${which}`}: check --org and --key.`
      : `no client key${which === '' ? '' : ` of ${which}`} in ${network.dir} has the ${role} role: pick another with --org or --key.`,
  );
}

function nodeUrl(network: Network | undefined, orgId: string | undefined): string {
  if (network === undefined) {
    throw new TallyError(
      'no_node',
      `no node to ask: pass --url <url>, or --network <dir> (no network in ${networkDirDefault}).`,
    );
  }
  const node = network.nodes.find((n) => n.orgId === orgId) ?? network.nodes[0];
  if (node === undefined) throw new TallyError('no_node', `${network.dir} lists no node.`);
  return node.apiUrl;
}

type Signer = { readonly account: LocalAccount; readonly label: string; readonly orgId?: string };

function loadSigner(
  options: ConnectionOptions,
  network: Network | undefined,
  role: KeyRole,
): Signer | undefined {
  if (options.keyFile !== undefined) {
    const pair = loadKeyFile(options.keyFile, readPassphrase(options));
    return {
      account: accountFromSecretKey(pair.suite, pair.secretKey),
      label: options.keyFile,
      ...(options.org === undefined ? {} : { orgId: options.org }),
    };
  }
  if (network === undefined) {
    if (options.org !== undefined || options.key !== undefined)
      throw new TallyError('network_missing', '--org and --key need --network <dir>.');
    return undefined;
  }
  const client = pickNetworkClient(network, options, role);
  return {
    account: loadNetworkAccount(client),
    label: `${client.orgId}/${client.name}`,
    orgId: client.orgId,
  };
}

/**
 * Opens a client for the command: the key is loaded only when `role` is given (public queries
 * need none), so `tally query status --url ...` works without any key.
 */
export function connect(options: ConnectionOptions, role: KeyRole | undefined): Connection {
  const network = openNetwork(options);
  const signer = role === undefined ? undefined : loadSigner(options, network, role);
  if (role !== undefined && signer === undefined) {
    throw new TallyError(
      'key_required',
      `this command needs an API key with the ${role} role: pass --network <dir> (with --org) or --key-file <file>.`,
    );
  }
  const url = options.url ?? nodeUrl(network, signer?.orgId ?? options.org);
  let client: Client;
  try {
    client = createClient({
      url,
      ...(signer === undefined ? {} : { account: signer.account }),
      ...(network === undefined ? {} : { chainId: network.genesis.chainId }),
    });
  } catch (cause) {
    throw new TallyError('bad_option', `--url ${(cause as Error).message}`, { cause });
  }
  return { client, url, network, signerLabel: signer?.label };
}

/**
 * Turns the SDK's transport and auth errors into messages that say what to do. Anything else
 * passes through unchanged.
 */
export function explainConnectionError(error: unknown, connection: Connection): unknown {
  if (!(error instanceof TallyError)) return error;
  const dir = connection.network?.dir;
  const upHint = `tally network up${dir === undefined ? '' : ` --dir ${dir}`}`;
  const options = { details: error.details, cause: error };
  switch (error.code) {
    case 'network_error':
      return new TallyError(
        'node_unreachable',
        `cannot reach the node at ${connection.url}: is the network running? try '${upHint}' (or npm start).`,
        options,
      );
    case 'unauthenticated':
      return new TallyError(
        'unauthenticated',
        `the node refused the key ${connection.signerLabel ?? ''}: ${error.message}. Is it registered in this network's genesis, and is this machine's clock right?`,
        options,
      );
    case 'forbidden':
      return new TallyError(
        'forbidden',
        `the key ${connection.signerLabel ?? ''} may not do this: ${error.message}. Use a key with the needed role (--org, --key).`,
        options,
      );
    case 'not_ready':
      return new TallyError(
        'not_ready',
        `the node at ${connection.url} is not ready yet (${error.message}): try again in a moment.`,
        options,
      );
    default:
      return error;
  }
}

/** Runs a command's work, explaining connection errors on the way out. */
export async function withConnection<T>(
  connection: Connection,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  try {
    return await work(connection.client);
  } catch (error) {
    throw explainConnectionError(error, connection);
  }
}
