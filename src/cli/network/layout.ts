// Where a network folder keeps its files (what `tally network init` writes and the other commands
// read). Organisation secrets live under orgs/ and stay with the operator; each nodes/<id>/ folder is
// self-contained so that it can be copied to the host that runs the node.
import { join } from 'node:path';

export const networkDirDefault = '.tally/network';

export const fileNames = {
  genesis: 'genesis.json',
  orgsDir: 'orgs',
  nodesDir: 'nodes',
  /** Written by the demo seeding once it has run (see seed.ts). */
  seededMarker: 'seeded.json',
  caCert: 'ca.crt',
  caKey: 'ca.key',
  clientsDir: 'clients',
  passphrase: 'passphrase',
  nodeConfig: 'config.json',
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
  consensusKey: 'consensus.key',
  /** The organisation's gateway signing key, in each of its node folders. */
  gatewayKey: 'gateway.key',
  /** The organisation's X25519 decryption key (PKCS #8, encrypted), in its folder and its nodes'. */
  encryptionKey: 'encryption.key',
  dataDir: 'data',
  log: 'node.log',
  pid: 'node.pid',
} as const;

/** The entries of a network folder that init creates and `--force` / `--fresh` replace. */
export const networkEntries = [
  fileNames.genesis,
  fileNames.orgsDir,
  fileNames.nodesDir,
  fileNames.seededMarker,
] as const;

export function genesisPath(dir: string): string {
  return join(dir, fileNames.genesis);
}

export function orgDir(dir: string, orgId: string): string {
  return join(dir, fileNames.orgsDir, orgId);
}

export function clientKeyPath(dir: string, orgId: string, keyName: string): string {
  return join(orgDir(dir, orgId), fileNames.clientsDir, `${keyName}.key`);
}

export function nodeDir(dir: string, nodeId: string): string {
  return join(dir, fileNames.nodesDir, nodeId);
}

export function nodeConfigPath(dir: string, nodeId: string): string {
  return join(nodeDir(dir, nodeId), fileNames.nodeConfig);
}

export function nodeLogPath(dir: string, nodeId: string): string {
  return join(nodeDir(dir, nodeId), fileNames.log);
}

export function nodePidPath(dir: string, nodeId: string): string {
  return join(nodeDir(dir, nodeId), fileNames.pid);
}
