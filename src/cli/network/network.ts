// A network folder as the commands see it: the genesis, each node's config and files, and each
// organisation's API client key. Read back from disk, so every command works on any folder init made.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type NodeConfig } from '../../node/config.ts';
import { type Genesis, loadGenesis } from '../../node/genesis.ts';
import { TallyError } from '../../util/errors.ts';
import {
  clientKeyPath,
  fileNames,
  genesisPath,
  nodeConfigPath,
  nodeDir,
  nodeLogPath,
  nodePidPath,
  orgDir,
} from './layout.ts';
import { apiUrl } from './node-config.ts';

export type NetworkNode = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  readonly dir: string;
  readonly configPath: string;
  readonly config: NodeConfig;
  readonly logPath: string;
  readonly pidPath: string;
  readonly apiUrl: string;
};

export type NetworkClient = {
  readonly orgId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly keyFile: string;
  /** Where the key file's passphrase is, for demo networks; otherwise env TALLY_KEY_PASSPHRASE. */
  readonly passphraseFile?: string;
};

export type Network = {
  readonly dir: string;
  readonly genesis: Genesis;
  /** In genesis order: validators first. */
  readonly nodes: readonly NetworkNode[];
  readonly clients: readonly NetworkClient[];
};

export function loadNetwork(dir: string): Network {
  if (!existsSync(genesisPath(dir))) {
    throw new TallyError(
      'network_missing',
      `${dir} holds no network: create one with 'tally network init --dir ${dir}'.`,
      { details: { dir } },
    );
  }
  const genesis = loadGenesis(genesisPath(dir));
  const nodes = genesis.nodes.map((n): NetworkNode => {
    const configPath = nodeConfigPath(dir, n.nodeId);
    // No environment overrides: TALLY_API_PORT and the like are for one node, not a whole network.
    const config = loadConfig(configPath, {}, {});
    return {
      nodeId: n.nodeId,
      orgId: n.orgId,
      kind: n.kind,
      dir: nodeDir(dir, n.nodeId),
      configPath,
      config,
      logPath: nodeLogPath(dir, n.nodeId),
      pidPath: nodePidPath(dir, n.nodeId),
      apiUrl: apiUrl(config.api),
    };
  });
  const clients = genesis.keys.map((k): NetworkClient => {
    const passphraseFile = join(orgDir(dir, k.orgId), fileNames.passphrase);
    return {
      orgId: k.orgId,
      name: k.name,
      roles: k.roles,
      keyFile: clientKeyPath(dir, k.orgId, k.name),
      ...(existsSync(passphraseFile) ? { passphraseFile } : {}),
    };
  });
  return { dir, genesis, nodes, clients };
}
