// The genesis file: the consortium's founding document. It names the chain, each member organisation
// (its CA certificate and roles), each node (validators sign blocks; observers only follow) with its
// addresses, and the keys registered to each organisation (for API calls and for signing
// transactions). Every node derives the same genesis block and validator set from it.
import { readFileSync } from 'node:fs';
import { merkleRoot } from '../crypto/merkle.ts';
import type { SuiteId } from '../crypto/suite.ts';
import { isSuiteId } from '../crypto/suites.ts';
import type { Block } from '../ledger/block.ts';
import { publicKeyBytesBySuite } from '../ledger/keys.ts';
import { chainIdLengthMax, orgIdLengthMax, validatorsMax } from '../ledger/limits.ts';
import { emptyRoot } from '../ledger/state/spec.ts';
import {
  createValidatorSet,
  hashValidatorSet,
  type ValidatorSet,
} from '../ledger/validator-set.ts';
import { fromHex, toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';

export const genesisVersion = 1;
export const genesisBytesMax = 4 * 1024 * 1024;
export const organizationsMax = 256;
export const registeredKeysMax = 4096;

/** What an organisation may do on the network (DESIGN decision 6). */
export const orgRoles = [
  'validator',
  'observer',
  'issuer',
  'fx-provider',
  'regulator',
  'identity-provider',
  'wallet',
  'bank',
] as const;
export type OrgRole = (typeof orgRoles)[number];

/** What a registered key may do: sign transactions, read private data over the API, operate nodes. */
export const keyRoles = ['submit', 'read', 'operator'] as const;
export type KeyRole = (typeof keyRoles)[number];

export type Address = { readonly host: string; readonly port: number };

/** The base URL of a node's API, as a client on this host reaches it. */
export function apiUrl(api: Address): string {
  // A node listening on every interface is reached on loopback from this host.
  const host = api.host === '0.0.0.0' ? '127.0.0.1' : api.host === '::' ? '::1' : api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${api.port}`;
}

export type GenesisOrganization = {
  readonly id: string;
  readonly name: string;
  readonly caCertPem: string;
  readonly roles: readonly OrgRole[];
  /** X25519 public key (32 bytes) that private payloads for this organisation are sealed to. */
  readonly encryptionKey?: Uint8Array | undefined;
  /** ISO 3166 alpha-2 country of the organisation (its jurisdiction). */
  readonly country?: string | undefined;
  /** Its BIC (ISO 9362), which ISO 20022 messages name it by. */
  readonly bic?: string | undefined;
};

export type GenesisNode = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  /** The consensus key (validators); observers carry one too, to sign nothing but be named. */
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
  readonly p2p: Address;
  readonly api: Address;
};

export type RegisteredKey = {
  readonly orgId: string;
  readonly name: string;
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
  readonly roles: readonly KeyRole[];
};

export type ConsensusParams = {
  readonly roundTimeoutMs: number;
  readonly roundTimeoutDoublingsMax: number;
  /** Most transactions a leader puts in one block. */
  readonly blockTxsMax: number;
  /** A leader with an empty mempool waits this long before proposing an empty block. */
  readonly emptyBlockDelayMs: number;
  /**
   * A leader proposes no sooner than this after its parent block's time, unless a full block is
   * pending: under light load, fewer and fuller blocks for a little latency (one validator at a
   * quarter load made 342 blocks a second without it, and spent a third more CPU per transaction).
   */
  readonly blockIntervalMinMs: number;
};

export type Genesis = {
  readonly version: number;
  readonly chainId: string;
  readonly genesisTimeMs: number;
  readonly organizations: readonly GenesisOrganization[];
  readonly nodes: readonly GenesisNode[];
  readonly keys: readonly RegisteredKey[];
  readonly consensus: ConsensusParams;
};

export const consensusDefaults: ConsensusParams = Object.freeze({
  roundTimeoutMs: 2000,
  roundTimeoutDoublingsMax: 5,
  blockTxsMax: 2000,
  emptyBlockDelayMs: 250,
  // Each block costs every validator fixed work (consensus messages and their signatures, two
  // fsyncs, a state root, events), whatever it carries; a longer interval makes fewer, fuller
  // blocks. 100 ms cut four validators' CPU per final transfer at a quarter of their capacity from
  // 3,720 to 2,383 us, but did not raise what they finalise at saturation (939-992 transfers/s
  // against 1,045-1,182 with 25 ms) and made remittances at 200/s slower (finality p50 662 ms
  // against 401): near saturation a remittance waits for more, slower blocks. Latency is the
  // product here.
  blockIntervalMinMs: 25,
});

/**
 * A round's timer covers this leader's wait for transactions and the next leader's (whose proposal
 * carries the certificate): idle waits must leave room for the network within one timeout.
 */
export const emptyBlockDelaysPerRoundTimeout = 4;

function fail(field: string, message: string): never {
  throw new TallyError('genesis_invalid', `genesis ${field}: ${message}`, { details: { field } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readRecordField(v: unknown, field: string): Record<string, unknown> {
  if (!isRecord(v)) fail(field, 'expected an object');
  return v;
}

function readText(v: unknown, field: string, lengthMax: number, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0) fail(field, 'expected a non-empty string');
  if (v.length > lengthMax) fail(field, `longer than ${lengthMax} characters`);
  if (pattern !== undefined && !pattern.test(v)) fail(field, `does not match ${pattern}`);
  return v;
}

function readInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(field, 'expected an integer');
  if (v < min || v > max) fail(field, `expected ${min}..${max}`);
  return v;
}

function readList(v: unknown, field: string, lengthMax: number): unknown[] {
  if (!Array.isArray(v)) fail(field, 'expected an array');
  if (v.length > lengthMax) fail(field, `more than ${lengthMax} entries`);
  return v;
}

function readEnumList<T extends string>(
  v: unknown,
  field: string,
  allowed: readonly T[],
): readonly T[] {
  const list = readList(v, field, allowed.length);
  const out = list.map((item, i) => {
    if (!allowed.includes(item as T))
      fail(`${field}[${i}]`, `expected one of ${allowed.join(', ')}`);
    return item as T;
  });
  if (new Set(out).size !== out.length) fail(field, 'duplicate entry');
  return Object.freeze(out);
}

function readKey(v: unknown, suiteValue: unknown, field: string) {
  if (!isSuiteId(suiteValue)) fail(`${field}.suite`, 'expected ed25519, p256 or sm2');
  const suite: SuiteId = suiteValue;
  const hex = readText(v, `${field}.publicKey`, 256);
  if (!/^(?:[0-9a-f]{2})+$/.test(hex))
    fail(`${field}.publicKey`, 'expected lower-case hex, two digits a byte');
  const publicKey = fromHex(hex);
  if (publicKey.length !== publicKeyBytesBySuite[suite])
    fail(`${field}.publicKey`, `a ${suite} public key has ${publicKeyBytesBySuite[suite]} bytes`);
  return { suite, publicKey };
}

function readAddress(v: unknown, field: string): Address {
  const r = readRecordField(v, field);
  return Object.freeze({
    host: readText(r.host, `${field}.host`, 255),
    port: readInt(r.port, `${field}.port`, 1, 65_535),
  });
}

const idPattern = /^[a-z0-9][a-z0-9-]*$/;

function readOrganization(v: unknown, field: string): GenesisOrganization {
  const r = readRecordField(v, field);
  const caCertPem = readText(r.caCertPem, `${field}.caCertPem`, 16_384);
  if (!caCertPem.includes('BEGIN CERTIFICATE'))
    fail(`${field}.caCertPem`, 'expected a PEM certificate');
  return Object.freeze({
    id: readText(r.id, `${field}.id`, orgIdLengthMax, idPattern),
    name: readText(r.name, `${field}.name`, 128),
    caCertPem,
    roles: readEnumList(r.roles, `${field}.roles`, orgRoles),
    ...readOrgProfile(r, field),
  });
}

const encryptionKeyBytes = 32;
const countryPattern = /^[A-Z]{2}$/;
const bicPattern = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;

/** The optional fields: only those present appear, so the JSON round trip is exact. */
function readOrgProfile(
  r: Record<string, unknown>,
  field: string,
): Pick<GenesisOrganization, 'encryptionKey' | 'country' | 'bic'> {
  const out: { encryptionKey?: Uint8Array; country?: string; bic?: string } = {};
  if (r.encryptionKey !== undefined) {
    const hex = readText(r.encryptionKey, `${field}.encryptionKey`, encryptionKeyBytes * 2);
    if (!/^[0-9a-f]{64}$/.test(hex))
      fail(`${field}.encryptionKey`, 'expected a 32-byte X25519 public key in lower-case hex');
    out.encryptionKey = fromHex(hex);
  }
  if (r.country !== undefined)
    out.country = readText(r.country, `${field}.country`, 2, countryPattern);
  if (r.bic !== undefined) out.bic = readText(r.bic, `${field}.bic`, 11, bicPattern);
  return out;
}

function readNode(v: unknown, field: string): GenesisNode {
  const r = readRecordField(v, field);
  if (r.kind !== 'validator' && r.kind !== 'observer')
    fail(`${field}.kind`, 'expected validator or observer');
  return Object.freeze({
    nodeId: readText(r.nodeId, `${field}.nodeId`, 64, idPattern),
    orgId: readText(r.orgId, `${field}.orgId`, orgIdLengthMax, idPattern),
    kind: r.kind,
    ...readKey(r.publicKey, r.suite, field),
    p2p: readAddress(r.p2p, `${field}.p2p`),
    api: readAddress(r.api, `${field}.api`),
  });
}

function readRegisteredKey(v: unknown, field: string): RegisteredKey {
  const r = readRecordField(v, field);
  return Object.freeze({
    orgId: readText(r.orgId, `${field}.orgId`, orgIdLengthMax, idPattern),
    name: readText(r.name, `${field}.name`, 128),
    ...readKey(r.publicKey, r.suite, field),
    roles: readEnumList(r.roles, `${field}.roles`, keyRoles),
  });
}

function readConsensus(v: unknown): ConsensusParams {
  if (v === undefined) return consensusDefaults;
  const r = readRecordField(v, 'consensus');
  const d = consensusDefaults;
  const int = (name: keyof ConsensusParams, min: number, max: number) =>
    r[name] === undefined ? d[name] : readInt(r[name], `consensus.${name}`, min, max);
  const roundTimeoutMs = int('roundTimeoutMs', 50, 60_000);
  const params = Object.freeze({
    roundTimeoutMs,
    roundTimeoutDoublingsMax: int('roundTimeoutDoublingsMax', 0, 10),
    blockTxsMax: int('blockTxsMax', 1, 10_000),
    emptyBlockDelayMs: int('emptyBlockDelayMs', 0, 60_000),
    // Unset, it is the default or what a shorter round timeout allows (tests use short ones).
    blockIntervalMinMs:
      r.blockIntervalMinMs === undefined
        ? Math.min(
            d.blockIntervalMinMs,
            Math.floor(roundTimeoutMs / emptyBlockDelaysPerRoundTimeout),
          )
        : int('blockIntervalMinMs', 0, 60_000),
  });
  for (const name of ['emptyBlockDelayMs', 'blockIntervalMinMs'] as const)
    if (params[name] * emptyBlockDelaysPerRoundTimeout > params.roundTimeoutMs)
      fail(
        `consensus.${name}`,
        `at most roundTimeoutMs / ${emptyBlockDelaysPerRoundTimeout} (${Math.floor(params.roundTimeoutMs / emptyBlockDelaysPerRoundTimeout)})`,
      );
  return params;
}

/** Parses and checks a genesis document (already JSON-decoded); errors name the bad field. */
export function parseGenesis(value: unknown): Genesis {
  const r = readRecordField(value, 'document');
  if (r.version !== genesisVersion) fail('version', `expected ${genesisVersion}`);
  const organizations = readList(r.organizations, 'organizations', organizationsMax).map((o, i) =>
    readOrganization(o, `organizations[${i}]`),
  );
  const nodes = readList(r.nodes, 'nodes', validatorsMax * 2).map((n, i) =>
    readNode(n, `nodes[${i}]`),
  );
  const keys = readList(r.keys ?? [], 'keys', registeredKeysMax).map((k, i) =>
    readRegisteredKey(k, `keys[${i}]`),
  );
  const genesis: Genesis = Object.freeze({
    version: genesisVersion,
    chainId: readText(r.chainId, 'chainId', chainIdLengthMax, idPattern),
    genesisTimeMs: readInt(r.genesisTimeMs, 'genesisTimeMs', 0, Number.MAX_SAFE_INTEGER),
    organizations: Object.freeze(organizations),
    nodes: Object.freeze(nodes),
    keys: Object.freeze(keys),
    consensus: readConsensus(r.consensus),
  });
  checkReferences(genesis);
  return genesis;
}

function checkUnique(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) fail(`${field}[${i}]`, `duplicate ${v}`);
    seen.add(v);
  });
}

function checkReferences(g: Genesis): void {
  checkUnique(
    g.organizations.map((o) => o.id),
    'organizations',
  );
  checkUnique(
    g.nodes.map((n) => n.nodeId),
    'nodes',
  );
  const keyOwners = new Map<string, string>();
  const claim = (publicKey: Uint8Array, field: string) => {
    const hex = toHex(publicKey);
    const owner = keyOwners.get(hex);
    if (owner !== undefined) fail(field, `duplicate of ${owner}`);
    keyOwners.set(hex, field);
  };
  for (const [i, n] of g.nodes.entries()) claim(n.publicKey, `nodes[${i}].publicKey`);
  for (const [i, k] of g.keys.entries()) claim(k.publicKey, `keys[${i}].publicKey`);
  const validatorCount = g.nodes.filter((n) => n.kind === 'validator').length;
  if (validatorCount > validatorsMax) fail('nodes', `more than ${validatorsMax} validators`);
  const orgs = new Set(g.organizations.map((o) => o.id));
  g.nodes.forEach((n, i) => {
    if (!orgs.has(n.orgId)) fail(`nodes[${i}].orgId`, `no organisation ${n.orgId}`);
  });
  g.keys.forEach((k, i) => {
    if (!orgs.has(k.orgId)) fail(`keys[${i}].orgId`, `no organisation ${k.orgId}`);
  });
  if (!g.nodes.some((n) => n.kind === 'validator'))
    fail('nodes', 'at least one validator is required');
}

/** Reads, parses and checks a genesis file. */
export function loadGenesis(path: string): Genesis {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TallyError('genesis_unreadable', `cannot read genesis file ${path}`, {
      details: { path },
      cause,
    });
  }
  if (text.length > genesisBytesMax) fail('document', `larger than ${genesisBytesMax} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TallyError('genesis_invalid', `genesis file ${path} is not JSON`, {
      details: { path },
      cause,
    });
  }
  return parseGenesis(value);
}

/** The JSON form of a genesis (keys as lower-case hex), as `loadGenesis` reads it. */
export function genesisToJson(g: Genesis): unknown {
  return {
    version: g.version,
    chainId: g.chainId,
    genesisTimeMs: g.genesisTimeMs,
    organizations: g.organizations.map((o) =>
      o.encryptionKey === undefined ? o : { ...o, encryptionKey: toHex(o.encryptionKey) },
    ),
    nodes: g.nodes.map((n) => ({ ...n, publicKey: toHex(n.publicKey) })),
    keys: g.keys.map((k) => ({ ...k, publicKey: toHex(k.publicKey) })),
    consensus: g.consensus,
  };
}

/** The validators of epoch 1, in the order the genesis lists them (which fixes leader rotation). */
export function genesisValidatorSet(g: Genesis): ValidatorSet {
  return createValidatorSet({
    epoch: 1,
    validators: g.nodes
      .filter((n) => n.kind === 'validator')
      .map((n) => ({ suite: n.suite, publicKey: n.publicKey, orgId: n.orgId })),
  });
}

/** Block 0: no transactions, empty state, certified by the root QC of round 0 (like every epoch's). */
export function createGenesisBlock(g: Genesis): Block {
  const set = genesisValidatorSet(g);
  const zero = new Uint8Array(32);
  return Object.freeze({
    header: Object.freeze({
      chainId: g.chainId,
      height: 0,
      epoch: set.epoch,
      round: 0,
      parentHash: zero,
      timeMs: g.genesisTimeMs,
      proposer: 0,
      txRoot: merkleRoot([]),
      txCount: 0,
      stateHeight: 0,
      stateRoot: emptyRoot,
      resultsRoot: merkleRoot([]),
      validatorSetHash: hashValidatorSet(set),
      justify: Object.freeze({
        epoch: set.epoch,
        round: 0,
        height: 0,
        blockHash: zero,
        signers: new Uint8Array(Math.ceil(set.validators.length / 8)),
        signatures: Object.freeze([]),
      }),
    }),
    txs: Object.freeze([]),
  });
}
