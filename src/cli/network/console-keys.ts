// The web console's demo keys for `tally start` (README "Console"): each organisation's API client key
// (roles submit, read and operator, so the console can also manage the organisation's keys) in one
// bundle beside the network, and `console.demoKeysFile` in every node's config, so the console signs
// requests with no set-up. Only for a network whose every node listens on loopback.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadKeyFile } from '../../crypto/keyfile.ts';
import { toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import { readPassphrase } from '../passphrase.ts';
import type { Network, NetworkClient } from './network.ts';
import { keyPassphraseEnv } from './node-config.ts';

export const consoleDemoKeysFileName = 'console-demo-keys.json';
export const consoleDemoKeysVersion = 1;

/** One key as the console reads it (console/src/lib/keys.ts): the secret in hex, demo only. */
export type ConsoleDemoKey = {
  readonly orgId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly suite: string;
  readonly publicKey: string;
  readonly secretKey: string;
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True when every node's API and peer address is on loopback: the only networks given demo keys. */
export function isLoopbackNetwork(network: Network): boolean {
  return network.nodes.every((n) => isLoopback(n.config.api.host) && isLoopback(n.config.p2p.host));
}

/**
 * Each organisation's client key that may read and submit (what its wallet or desk would hold),
 * preferring one that also operates, so that the console can administer every organisation.
 */
function pickDemoClients(network: Network): NetworkClient[] {
  const picked = new Map<string, NetworkClient>();
  for (const c of network.clients) {
    if (!c.roles.includes('read') || !c.roles.includes('submit')) continue;
    const held = picked.get(c.orgId);
    if (held === undefined || (!held.roles.includes('operator') && c.roles.includes('operator')))
      picked.set(c.orgId, c);
  }
  return [...picked.values()];
}

/**
 * Organisations with no client key holding role operator: networks made before every organisation
 * got one (their console cannot manage those organisations' keys until the network is re-created).
 */
export function orgsWithoutOperatorKey(network: Network): string[] {
  return network.genesis.organizations
    .map((o) => o.id)
    .filter((id) => !network.clients.some((c) => c.orgId === id && c.roles.includes('operator')));
}

function openDemoKey(client: NetworkClient): ConsoleDemoKey {
  const passphrase = readPassphrase({
    passphraseEnv: keyPassphraseEnv,
    ...(client.passphraseFile === undefined ? {} : { passphraseFile: client.passphraseFile }),
  });
  const pair = loadKeyFile(client.keyFile, passphrase);
  return {
    orgId: client.orgId,
    name: client.name,
    roles: client.roles,
    suite: pair.suite,
    publicKey: toHex(pair.publicKey),
    secretKey: toHex(pair.secretKey),
  };
}

/** Points a node's config.json at the bundle (a path relative to the config, as init writes them). */
function setConfigDemoKeys(configPath: string, nodeDir: string, bundlePath: string): void {
  const doc = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const demoKeysFile = relative(nodeDir, bundlePath);
  const current = doc.console as { demoKeysFile?: unknown } | undefined;
  if (current?.demoKeysFile === demoKeysFile) return;
  doc.console = { ...(current ?? {}), demoKeysFile };
  writeFileSync(configPath, `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Writes the bundle (mode 0600) and sets it in every node's config; the nodes must not be running.
 * Refuses a network that listens beyond loopback: its keys are real and stay in their files.
 */
export function writeConsoleDemoKeys(network: Network): string {
  if (!isLoopbackNetwork(network))
    throw new TallyError(
      'not_loopback',
      'demo keys are only written for a network whose nodes all listen on loopback',
    );
  const bundlePath = join(network.dir, consoleDemoKeysFileName);
  const bundle = {
    version: consoleDemoKeysVersion,
    chainId: network.genesis.chainId,
    note: 'Demo keys of a local loopback network (tally start). Never use them for anything else.',
    keys: pickDemoClients(network).map(openDemoKey),
  };
  writeFileSync(bundlePath, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
  for (const node of network.nodes) setConfigDemoKeys(node.configPath, node.dir, bundlePath);
  return bundlePath;
}
