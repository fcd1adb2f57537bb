// `tally network init`'s work: every organisation's CA and API client key, every node's TLS
// certificate, consensus key and config, and the genesis naming them all. Built in a scratch folder
// and moved into place at the end, so a failed init leaves no half-made network behind.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveKeyFile } from '../../crypto/keyfile.ts';
import { getSuite } from '../../crypto/suites.ts';
import { exportX25519Pem, generateX25519 } from '../../crypto/x25519-node.ts';
import {
  consensusDefaults,
  type Genesis,
  genesisToJson,
  genesisVersion,
  parseGenesis,
  type RegisteredKey,
} from '../../node/genesis.ts';
import type { CertificateAndKey } from '../../p2p/pki.ts';
import { createOrgCa, issueNodeCertificate } from '../../p2p/pki.ts';
import { assert } from '../../util/assert.ts';
import { TallyError } from '../../util/errors.ts';
import {
  clientKeyPath,
  fileNames,
  genesisPath,
  networkEntries,
  nodeDir,
  orgDir,
} from './layout.ts';
import type { NodeConfigFile } from './node-config.ts';
import { nodeConfigVersion } from './node-config.ts';
import type { NetworkPlan, NodePlan, OrgPlan } from './plan.ts';

export const caValidDays = 3650;
export const nodeCertValidDays = 825;
const passphraseBytes = 24;

export type InitOptions = {
  readonly dir: string;
  /** One passphrase for every key file (env TALLY_KEY_PASSPHRASE); otherwise one random per org. */
  readonly passphrase?: string;
  /** scrypt cost for the key files (tests lower it; see TALLY_SCRYPT_N). */
  readonly scryptN?: number;
  /** Called once per finished step: a CA, a client key, a node. */
  readonly onStep?: (label: string) => void;
};

/** How many times initNetwork calls onStep for a plan (the progress bar's total). */
export function countInitSteps(plan: NetworkPlan): number {
  return plan.orgs.length * 2 + plan.nodes.length;
}

/** True when the folder already holds (part of) a network. */
export function hasNetwork(dir: string): boolean {
  return networkEntries.some((entry) => existsSync(join(dir, entry)));
}

/** Deletes what init made in `dir` (nothing else: --dir may name a folder holding other files). */
export function removeNetwork(dir: string): void {
  for (const entry of networkEntries) rmSync(join(dir, entry), { recursive: true, force: true });
}

type OrgSecrets = {
  readonly ca: CertificateAndKey;
  readonly passphrase: string;
  /** X25519 key that private payloads for the organisation are sealed to (PEM, encrypted). */
  readonly encryption: { readonly publicKey: Uint8Array; readonly pem: string };
  /** The key the organisation's nodes sign with when they act for it (quotes, ISO 20022 input). */
  readonly gateway: ReturnType<typeof newKey>;
};
type NodeKeys = { readonly plan: NodePlan; readonly keyPair: ReturnType<typeof newKey> };

function newKey() {
  return getSuite('ed25519').generateKeyPair();
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
}

/** Writes the network described by `plan` into `options.dir`; returns the genesis it wrote. */
export function initNetwork(plan: NetworkPlan, options: InitOptions): Genesis {
  if (hasNetwork(options.dir)) {
    throw new TallyError(
      'network_exists',
      `${options.dir} already holds a network; pass --force to replace it.`,
      { details: { dir: options.dir } },
    );
  }
  mkdirSync(options.dir, { recursive: true });
  const scratch = mkdtempSync(join(options.dir, '.init-'));
  try {
    const genesis = buildNetwork(plan, { ...options, dir: scratch });
    // genesis.json moves last: a folder holding it holds a whole network.
    for (const entry of [fileNames.orgsDir, fileNames.nodesDir, fileNames.genesis])
      renameSync(join(scratch, entry), join(options.dir, entry));
    return genesis;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function buildNetwork(plan: NetworkPlan, options: InitOptions): Genesis {
  const step = options.onStep ?? (() => {});
  const keyFileOptions = options.scryptN === undefined ? {} : { scryptN: options.scryptN };
  const secrets = new Map<string, OrgSecrets>();
  const clientKeys: RegisteredKey[] = [];
  // After the API keys, so that keys[i] is organisation i's API key (what the tools index by).
  const gatewayKeys: RegisteredKey[] = [];
  for (const org of plan.orgs) {
    const orgSecrets = writeOrg(org, options);
    secrets.set(org.id, orgSecrets);
    saveKeyFile(
      clientKeyPath(options.dir, org.id, gatewayKeyName(org.id)),
      orgSecrets.gateway,
      orgSecrets.passphrase,
      keyFileOptions,
    );
    gatewayKeys.push({
      orgId: org.id,
      name: gatewayKeyName(org.id),
      suite: orgSecrets.gateway.suite,
      publicKey: orgSecrets.gateway.publicKey,
      roles: ['submit'],
    });
    step(`CA of ${org.id}`);
    const key = newKey();
    const passphrase = secrets.get(org.id)!.passphrase;
    saveKeyFile(
      clientKeyPath(options.dir, org.id, org.clientKey.name),
      key,
      passphrase,
      keyFileOptions,
    );
    clientKeys.push({
      orgId: org.id,
      name: org.clientKey.name,
      suite: key.suite,
      publicKey: key.publicKey,
      roles: org.clientKey.roles,
    });
    step(`API key of ${org.id}`);
  }
  const nodes: NodeKeys[] = plan.nodes.map((node) => ({ plan: node, keyPair: newKey() }));
  const genesis = createGenesis(plan, secrets, nodes, [...clientKeys, ...gatewayKeys]);
  const genesisText = `${JSON.stringify(genesisToJson(genesis), null, 2)}\n`;
  for (const node of nodes) {
    const org = secrets.get(node.plan.orgId);
    assert(org !== undefined, 'every node belongs to a planned organisation');
    writeNode(plan, node, org, genesisText, options);
    step(`node ${node.plan.nodeId}`);
  }
  writeFileSync(genesisPath(options.dir), genesisText, { flag: 'wx' });
  return genesis;
}

function writeOrg(org: OrgPlan, options: InitOptions): OrgSecrets {
  const dir = orgDir(options.dir, org.id);
  mkdirSync(join(dir, fileNames.clientsDir), { recursive: true, mode: 0o700 });
  const ca = createOrgCa({ orgId: org.id, name: org.caName, validDays: caValidDays });
  writeFileSync(join(dir, fileNames.caCert), ca.certPem, { flag: 'wx' });
  writeSecret(join(dir, fileNames.caKey), ca.keyPem);
  const passphrase = options.passphrase ?? randomBytes(passphraseBytes).toString('base64url');
  if (options.passphrase === undefined)
    writeSecret(join(dir, fileNames.passphrase), `${passphrase}\n`);
  const x25519 = generateX25519();
  const encryption = {
    publicKey: x25519.pair.publicKey,
    pem: exportX25519Pem(x25519.privateKey, passphrase),
  };
  writeSecret(join(dir, fileNames.encryptionKey), encryption.pem);
  return { ca, passphrase, encryption, gateway: newKey() };
}

/** The registered key an organisation's nodes sign with when they act for it. */
export function gatewayKeyName(orgId: string): string {
  return `${orgId}-gateway`;
}

function createGenesis(
  plan: NetworkPlan,
  secrets: ReadonlyMap<string, OrgSecrets>,
  nodes: readonly NodeKeys[],
  keys: readonly RegisteredKey[],
): Genesis {
  const document = genesisToJson({
    version: genesisVersion,
    chainId: plan.chainId,
    genesisTimeMs: Date.now(),
    organizations: plan.orgs.map((org) => ({
      id: org.id,
      name: org.name,
      caCertPem: secrets.get(org.id)!.ca.certPem,
      roles: org.roles,
      encryptionKey: secrets.get(org.id)!.encryption.publicKey,
      ...(org.country === undefined ? {} : { country: org.country }),
      ...(org.bic === undefined ? {} : { bic: org.bic }),
    })),
    nodes: nodes.map(({ plan: node, keyPair }) => ({
      nodeId: node.nodeId,
      orgId: node.orgId,
      kind: node.kind,
      suite: keyPair.suite,
      publicKey: keyPair.publicKey,
      p2p: { host: plan.host, port: node.p2pPort },
      api: { host: plan.host, port: node.apiPort },
    })),
    keys,
    consensus: consensusDefaults,
  });
  // What we write must be what every node will accept.
  return parseGenesis(document);
}

function writeNode(
  plan: NetworkPlan,
  node: NodeKeys,
  org: OrgSecrets,
  genesisText: string,
  options: InitOptions,
): void {
  const dir = nodeDir(options.dir, node.plan.nodeId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tls = issueNodeCertificate(org.ca, {
    orgId: node.plan.orgId,
    nodeId: node.plan.nodeId,
    hosts: certificateHosts(plan.host),
    validDays: nodeCertValidDays,
  });
  writeFileSync(join(dir, fileNames.tlsCert), tls.certPem, { flag: 'wx' });
  writeSecret(join(dir, fileNames.tlsKey), tls.keyPem);
  const keyFileOptions = options.scryptN === undefined ? {} : { scryptN: options.scryptN };
  saveKeyFile(join(dir, fileNames.consensusKey), node.keyPair, org.passphrase, keyFileOptions);
  saveKeyFile(join(dir, fileNames.gatewayKey), org.gateway, org.passphrase, keyFileOptions);
  writeSecret(join(dir, fileNames.encryptionKey), org.encryption.pem);
  if (options.passphrase === undefined)
    writeSecret(join(dir, fileNames.passphrase), `${org.passphrase}\n`);
  // A copy of the genesis keeps the node folder whole when it is copied to its host.
  writeFileSync(join(dir, fileNames.genesis), genesisText, { flag: 'wx' });
  const config = createNodeConfig(plan, node.plan, options.passphrase === undefined);
  writeFileSync(join(dir, fileNames.nodeConfig), `${JSON.stringify(config, null, 2)}\n`, {
    flag: 'wx',
  });
}

export function createNodeConfig(
  plan: NetworkPlan,
  node: NodePlan,
  withPassphraseFile: boolean,
): NodeConfigFile {
  return {
    version: nodeConfigVersion,
    nodeId: node.nodeId,
    genesis: fileNames.genesis,
    dataDir: fileNames.dataDir,
    keyFile: fileNames.consensusKey,
    org: { signingKeyFile: fileNames.gatewayKey, encryptionKeyFile: fileNames.encryptionKey },
    ...(withPassphraseFile ? { passphraseFile: fileNames.passphrase } : {}),
    tls: { certFile: fileNames.tlsCert, keyFile: fileNames.tlsKey },
    p2p: { host: plan.host, port: node.p2pPort },
    api: { host: plan.host, port: node.apiPort },
    log: { level: 'info' },
    prune: { keepBlocks: 0 },
  };
}

/** The names a node certificate covers: the configured host, plus both loopback names for it. */
export function certificateHosts(host: string): string[] {
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return loopback ? [...new Set([host, '127.0.0.1', 'localhost'])] : [host];
}
